import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ToolsResponse } from '@switchboard/protocol';
import { MCP_STDIO_SERVER_SCRIPT as STDIO_SERVER, startDemoMcpHttpServer } from '@switchboard/session/testing';
import { freePort, processAlive } from '@switchboard/tools/testing';
import { eventually, startTestApi, testConfig, turnRequests, type TestApi } from './harness';

describe('tools through the API: MCP servers and web_fetch (e2e)', () => {
  let t: TestApi;
  let mcp: Awaited<ReturnType<typeof startDemoMcpHttpServer>>;
  let pages: http.Server;
  let pageUrl: string;
  let closed = false;
  const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-e2e-')), 'pids');

  beforeAll(async () => {
    mcp = await startDemoMcpHttpServer();
    // A web page for web_fetch, on loopback: the config allows exactly this address.
    pages = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<html><head><title>Lighthouse log</title></head><body><nav>menu</nav><article><h1>Lighthouse log</h1>${'<p>The keeper lit the lamp at dusk and logged the passing ships until dawn, every night of the winter.</p>'.repeat(5)}</article></body></html>`,
      );
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(pages.address() as net.AddressInfo).port}/log`;
    const downPort = await freePort();
    t = await startTestApi({
      config: (fake) => ({
        ...testConfig(fake),
        agents: [{ name: 'tooled', match: { channel: 'web', peer: 'mcp-*' }, tools: ['current_time', 'web_fetch', 'demo.*', 'local.add', 'down.*'] }],
        tools: { webFetch: { enabled: true, allowNetworks: ['127.0.0.1/32'] } },
        mcpServers: {
          demo: { url: mcp.url, timeoutMs: 500 },
          local: { command: process.execPath, args: [STDIO_SERVER], env: { MCP_PID_FILE: pidFile } },
          down: { url: `http://127.0.0.1:${downPort}/mcp` },
        },
      }),
    });
    // Memory extraction would add its own model calls to the fake's log.
    await t.client.request('PUT', '/api/v1/settings/memory', { enabled: false });
    await eventually(
      () => t.client.listTools(),
      (r) => r.mcpServers.filter((s) => s.state === 'connected').length === 2 && r.mcpServers.some((s) => s.name === 'down' && s.state === 'down'),
      'MCP servers connected',
    );
  });
  afterAll(async () => {
    if (!closed) await t.close();
    await mcp.close();
    pages.closeAllConnections();
    await new Promise((resolve) => pages.close(resolve));
  });
  beforeEach(() => t.fake.reset());

  const say = async (peerId: string, text: string) => {
    const s = await t.client.createSession({ channel: 'web', peerId: `${peerId}-${Math.random()}` });
    return (await t.client.sendMessage(s.id, { text, wait: true })).reply!;
  };
  const toolNames = (req: { body: unknown }) => ((req.body as { tools?: Array<{ function: { name: string } }> }).tools ?? []).map((x) => x.function.name).sort();

  it('lists built-in, memory and MCP tools with where they come from, and each server\'s state', async () => {
    const r: ToolsResponse = await t.client.listTools();
    const byName = Object.fromEntries(r.tools.map((x) => [x.name, x]));
    expect(byName.current_time).toMatchObject({ source: 'builtin', server: null, available: true });
    expect(byName.memory_search).toMatchObject({ source: 'memory' });
    expect(byName.web_fetch).toMatchObject({ source: 'builtin', available: true });
    expect(byName['demo.echo']).toEqual({ name: 'demo.echo', modelName: 'demo__echo', source: 'mcp', server: 'demo', description: 'Repeats the text', available: true });
    expect(byName['local.add']).toMatchObject({ source: 'mcp', server: 'local', modelName: 'local__add' });
    const servers = Object.fromEntries(r.mcpServers.map((s) => [s.name, s]));
    expect(servers.demo).toMatchObject({ transport: 'http', state: 'connected', error: null, tools: ['demo.echo', 'demo.add', 'demo.slow', 'demo.fail', 'demo.big'] });
    expect(servers.local).toMatchObject({ transport: 'stdio', state: 'connected', tools: ['local.add', 'local.greeting', 'local.learn'] });
    expect(servers.down).toMatchObject({ transport: 'http', state: 'down', tools: [] });
    expect(servers.down.error).toBeTruthy();
    expect(servers.down.nextRetryAt).not.toBeNull();
  });

  it('runs an HTTP MCP tool the model calls, end to end, and offers only what the agent allows', async () => {
    t.fake.addRule({ match: 'echo this', model: 'fake-main', toolCalls: [{ name: 'demo__echo', arguments: { text: 'over MCP' } }], times: 1 });
    t.fake.addRule({ match: 'echo this', model: 'fake-main', reply: (req) => (req.messages.some((m) => m.role === 'tool' && m.content === 'over MCP') ? 'The server said it.' : 'no tool result') });
    const reply = await say('mcp', 'echo this please');
    expect(reply.content).toBe('The server said it.');
    expect(reply.parts[1]).toMatchObject({ type: 'tool-result', toolName: 'demo__echo', output: 'over MCP', durationMs: expect.any(Number) });
    expect(reply.parts[1]).not.toHaveProperty('isError');
    // The agent's list: current_time, every demo tool, local.add only; the down server adds nothing.
    expect(toolNames(turnRequests(t.fake)[0])).toEqual(['current_time', 'demo__add', 'demo__big', 'demo__echo', 'demo__fail', 'demo__slow', 'local__add', 'web_fetch']);
  });

  it('fetches a page with web_fetch for the model, and refuses a private address as a tool error', async () => {
    t.fake.addRule({ match: 'read the log', model: 'fake-main', toolCalls: [{ name: 'web_fetch', arguments: { url: pageUrl } }], times: 1 });
    t.fake.addRule({ match: 'read the log', model: 'fake-main', reply: (req) => (req.messages.some((m) => m.role === 'tool' && m.content.includes('The keeper lit the lamp at dusk')) ? 'Read it.' : 'no page text') });
    const reply = await say('mcp', 'read the log');
    expect(reply.content).toBe('Read it.');
    expect(reply.parts[1]).toMatchObject({ type: 'tool-result', toolName: 'web_fetch', output: { url: pageUrl, title: 'Lighthouse log', status: 200 } });

    t.fake.reset();
    t.fake.addRule({ match: 'read the router', model: 'fake-main', toolCalls: [{ name: 'web_fetch', arguments: { url: 'http://192.168.1.1/admin' } }], times: 1 });
    t.fake.addRule({ match: 'read the router', model: 'fake-main', reply: (req) => req.messages.find((m) => m.role === 'tool')?.content ?? 'missing' });
    const refused = await say('mcp', 'read the router');
    expect(refused.content).toContain('192.168.1.1 is a private address');
    expect(refused.parts[1]).toMatchObject({ type: 'tool-result', toolName: 'web_fetch', output: { error: '192.168.1.1 is a private address; web_fetch only reaches public addresses' } });
  });

  it('runs a stdio MCP tool', async () => {
    t.fake.addRule({ match: 'add them', model: 'fake-main', toolCalls: [{ name: 'local__add', arguments: { a: 19, b: 23 } }], times: 1 });
    t.fake.addRule({ match: 'add them', model: 'fake-main', reply: (req) => `sum ${req.messages.find((m) => m.role === 'tool')?.content ?? 'missing'}` });
    const reply = await say('mcp', 'add them');
    expect(reply.content).toBe('sum 42');
  });

  it('fails a slow MCP tool at its timeout and the turn goes on', async () => {
    t.fake.addRule({ match: 'be slow', model: 'fake-main', toolCalls: [{ name: 'demo__slow', arguments: { ms: 1500 } }], times: 1 });
    t.fake.addRule({ match: 'be slow', model: 'fake-main', reply: (req) => (req.messages.some((m) => m.role === 'tool' && m.content.includes('did not answer within 500 ms')) ? 'The tool timed out.' : 'no timeout seen') });
    const t0 = Date.now();
    const reply = await say('mcp', 'be slow');
    expect(reply).toMatchObject({ content: 'The tool timed out.', status: 'complete' });
    expect(reply.parts[1]).toMatchObject({ type: 'tool-result', toolName: 'demo__slow', output: { error: 'demo.slow did not answer within 500 ms' }, isError: true });
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('gives agents without MCP in their list no MCP tools, and their turns ignore the down server', async () => {
    t.fake.addRule({ match: 'plain question', model: 'fake-main', reply: 'plain answer' });
    const reply = await say('plain', 'plain question');
    expect(reply).toMatchObject({ content: 'plain answer', status: 'complete' });
    expect(toolNames(turnRequests(t.fake)[0]).filter((n) => n.includes('__'))).toEqual([]);
  });

  it('closes the MCP servers on shutdown: the stdio child ends', async () => {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim().split('\n')[0]);
    expect(processAlive(pid)).toBe(true);
    const t0 = Date.now();
    await t.close();
    closed = true;
    expect(Date.now() - t0).toBeLessThan(5000);
    await eventually(() => processAlive(pid), (a) => !a, 'the stdio server ended');
  });
});
