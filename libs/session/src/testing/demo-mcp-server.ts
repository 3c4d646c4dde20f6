import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** The stdio twin of the demo server: a script a test spawns with `node`. */
export const MCP_STDIO_SERVER_SCRIPT = path.join(__dirname, 'mcp-stdio-server.cjs');

/** A real MCP server (the SDK's) with tools to test against: echo, add, slow, fail, big. */
export function demoMcpServer(): McpServer {
  const server = new McpServer({ name: 'demo', version: '1.0.0' });
  server.registerTool('echo', { description: 'Repeats the text', inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
    content: [{ type: 'text', text: String(a + b) }],
  }));
  server.registerTool('slow', { description: 'Answers after ms milliseconds', inputSchema: { ms: z.number() } }, async ({ ms }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { content: [{ type: 'text', text: `slept ${ms}` }] };
  });
  server.registerTool('fail', { description: 'Always reports an error' }, async () => ({ isError: true, content: [{ type: 'text', text: 'the demo tool failed on purpose' }] }));
  server.registerTool('big', { description: 'A long result' }, async () => ({ content: [{ type: 'text', text: 'y'.repeat(50_000) }] }));
  return server;
}

/** The demo server over Streamable HTTP (stateless: a server per request), on 127.0.0.1. */
export async function startDemoMcpHttpServer(port = 0): Promise<{ url: string; port: number; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const httpServer = http.createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    calls.push(String(req.headers['x-demo-token'] ?? ''));
    const server = demoMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  const actual = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/mcp`,
    port: actual,
    calls,
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}
