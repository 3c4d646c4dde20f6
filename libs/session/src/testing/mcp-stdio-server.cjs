// A real MCP server over stdio for tests: `node mcp-stdio-server.cjs`. It writes its pid to
// $MCP_PID_FILE (when set) so a test can see it start, crash it, and check it ended.
const fs = require('node:fs');
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { z } = require('zod');

if (process.env.MCP_PID_FILE) fs.appendFileSync(process.env.MCP_PID_FILE, `${process.pid}\n`);
const server = new McpServer({ name: 'demo-stdio', version: '1.0.0' });
server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({
  content: [{ type: 'text', text: String(a + b) }],
}));
server.registerTool('greeting', { description: 'The greeting from the environment' }, async () => ({
  content: [{ type: 'text', text: process.env.DEMO_GREETING || 'none' }],
}));
// Registering a tool after connecting makes the SDK announce tools/list_changed.
server.registerTool('learn', { description: 'Adds the tool "learned"' }, async () => {
  server.registerTool('learned', { description: 'Added while running' }, async () => ({ content: [{ type: 'text', text: 'new trick' }] }));
  return { content: [{ type: 'text', text: 'learned' }] };
});
server.connect(new StdioServerTransport()).catch((err) => {
  process.stderr.write(String(err) + '\n');
  process.exit(1);
});
