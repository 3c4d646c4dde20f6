import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mcpServerConfigSchema, switchboardConfigSchema, type McpServerConfig } from '@switchboard/models';
import { MCP_STDIO_SERVER_SCRIPT, startDemoMcpHttpServer } from '../../testing/demo-mcp-server';
import { freePort, processAlive } from '@switchboard/tools/testing';
import { allowsTool, McpHub } from './mcp-hub';

const ctx = { sessionId: 's', turnId: 't', channel: 'web', peerId: 'p', projectId: null };
const http = (url: string, extra: Record<string, unknown> = {}): McpServerConfig => mcpServerConfigSchema.parse({ url, ...extra });
const stdio = (extra: Record<string, unknown> = {}): McpServerConfig =>
  mcpServerConfigSchema.parse({ command: process.execPath, args: [MCP_STDIO_SERVER_SCRIPT], ...extra });

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}



describe('McpHub', () => {
  const hubs: McpHub[] = [];
  const closers: Array<() => Promise<void>> = [];
  const hub = (servers: Record<string, McpServerConfig>) => {
    const h = new McpHub({ servers, retryMs: 100, maxRetryMs: 400, connectTimeoutMs: 3000, stderr: 'ignore' });
    hubs.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.close()));
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it('offers a Streamable HTTP server\'s tools, named server.tool, to allow-lists that name them, and calls them', async () => {
    const demo = await startDemoMcpHttpServer();
    closers.push(demo.close);
    const h = hub({ demo: http(demo.url, { headers: { 'X-Demo-Token': 'secret-1' } }) });
    await h.start();
    const [status] = h.status();
    expect(status).toMatchObject({ name: 'demo', transport: 'http', state: 'connected', error: null });
    expect(status.tools.map((t) => t.name).sort()).toEqual(['demo.add', 'demo.big', 'demo.echo', 'demo.fail', 'demo.slow']);
    expect(status.tools.find((t) => t.name === 'demo.echo')).toEqual({ name: 'demo.echo', modelName: 'demo__echo', server: 'demo', description: 'Repeats the text' });
    expect(demo.calls.every((token) => token === 'secret-1')).toBe(true);

    expect(h.toolsFor(undefined)).toEqual([]);
    expect(h.toolsFor(['other.*', 'current_time'])).toEqual([]);
    expect(h.toolsFor(['demo.echo']).map((t) => t.name)).toEqual(['demo__echo']);
    const all = h.toolsFor(['demo.*']);
    expect(all).toHaveLength(5);
    const echo = all.find((t) => t.name === 'demo__echo')!;
    expect(echo.input.safeParse({ text: 'hi' }).success).toBe(true);
    expect(echo.input.safeParse({ text: 3 }).success).toBe(false);
    await expect(echo.execute({ text: 'hello over http' }, ctx)).resolves.toBe('hello over http');
  });

  it('starts a stdio server with its env, calls its tools, and ends the child on close', async () => {
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-')), 'pids');
    const h = hub({ local: stdio({ env: { DEMO_GREETING: 'hello from env', MCP_PID_FILE: pidFile } }) });
    await h.start();
    expect(h.status()[0]).toMatchObject({ transport: 'stdio', state: 'connected' });
    const tools = h.toolsFor(['local.*']);
    expect(tools.map((t) => t.name).sort()).toEqual(['local__add', 'local__greeting', 'local__learn']);
    await expect(tools.find((t) => t.name === 'local__add')!.execute({ a: 2, b: 40 }, ctx)).resolves.toBe('42');
    await expect(tools.find((t) => t.name === 'local__greeting')!.execute({}, ctx)).resolves.toBe('hello from env');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    expect(processAlive(pid)).toBe(true);
    await h.close();
    await until(() => !processAlive(pid), 3000);
    expect(h.toolsFor(['local.*'])).toEqual([]);
  });

  it('fails a slow call at its timeout, and the server keeps answering', async () => {
    const demo = await startDemoMcpHttpServer();
    closers.push(demo.close);
    const h = hub({ demo: http(demo.url, { timeoutMs: 300 }) });
    await h.start();
    const [slow, echo] = ['demo__slow', 'demo__echo'].map((n) => h.toolsFor(['demo.*']).find((t) => t.name === n)!);
    const t0 = Date.now();
    await expect(slow.execute({ ms: 1500 }, ctx)).rejects.toThrow('demo.slow did not answer within 300 ms');
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(slow.execute({ ms: 10 }, ctx)).resolves.toBe('slept 10');
    await expect(echo.execute({ text: 'still here' }, ctx)).resolves.toBe('still here');
  });

  it('turns a tool\'s error into a failed call and cuts long results at maxResultChars', async () => {
    const demo = await startDemoMcpHttpServer();
    closers.push(demo.close);
    const h = hub({ demo: http(demo.url, { maxResultChars: 1000 }) });
    await h.start();
    const tool = (n: string) => h.toolsFor(['demo.*']).find((t) => t.name === n)!;
    await expect(tool('demo__fail').execute({}, ctx)).rejects.toThrow('the demo tool failed on purpose');
    const big = (await tool('demo__big').execute({}, ctx)) as string;
    expect(big).toBe(`${'y'.repeat(1000)} …[cut at 1000 characters]`);
  });

  it('reports a server that is down, leaves the others alone, and connects it once it answers', async () => {
    const port = await freePort();
    const demo = await startDemoMcpHttpServer();
    closers.push(demo.close);
    const h = hub({ late: http(`http://127.0.0.1:${port}/mcp`), demo: http(demo.url), missing: stdio({ command: '/nonexistent/mcp-server' }) });
    await h.start();
    const byName = () => Object.fromEntries(h.status().map((s) => [s.name, s]));
    expect(byName().late).toMatchObject({ state: 'down', tools: [] });
    expect(byName().late.error).toMatch(/ECONNREFUSED|fetch failed/);
    expect(byName().late.nextRetryAt).not.toBeNull();
    expect(byName().missing).toMatchObject({ state: 'down', transport: 'stdio' });
    expect(byName().demo.state).toBe('connected');
    expect(h.toolsFor(['*']).map((t) => t.name)).not.toContain('late__echo');
    expect(h.toolsFor(['*'])).toHaveLength(5);

    const lateServer = await startDemoMcpHttpServer(port);
    closers.push(lateServer.close);
    await until(() => byName().late.state === 'connected');
    expect(byName().late).toMatchObject({ error: null, nextRetryAt: null });
    await expect(h.toolsFor(['late.echo'])[0].execute({ text: 'up now' }, ctx)).resolves.toBe('up now');
    expect(byName().missing.state).toBe('down');
  });

  it('notices a stdio server that crashed and starts it again', async () => {
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-')), 'pids');
    const h = hub({ local: stdio({ env: { MCP_PID_FILE: pidFile } }) });
    await h.start();
    const first = Number(fs.readFileSync(pidFile, 'utf8').trim());
    process.kill(first, 'SIGKILL');
    await until(() => h.status()[0].state === 'down');
    await until(() => h.status()[0].state === 'connected');
    const pids = fs.readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    await expect(h.toolsFor(['local.add'])[0].execute({ a: 1, b: 2 }, ctx)).resolves.toBe('3');
  });

  it('ends connections still being made on close: a silent HTTP server and a stdio child that never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-')), 'pid');
    const mute = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
    const h = new McpHub({
      servers: { silent: http(`http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/mcp`), mute: stdio({ args: ['-e', mute] }) },
      connectTimeoutMs: 60_000,
      stderr: 'ignore',
    });
    const started = h.start();
    await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').length > 0);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(h.status().map((s) => s.state)).toEqual(['connecting', 'connecting']);
    const t0 = Date.now();
    await h.close();
    await started;
    expect(Date.now() - t0).toBeLessThan(5000);
    await until(() => !processAlive(pid), 5000);
    expect(h.status().map((s) => s.state)).toEqual(['down', 'down']);
  });

  it('lists a server\'s tools again when it announces a change', async () => {
    const h = hub({ local: stdio() });
    await h.start();
    expect(h.toolsFor(['local.learned'])).toEqual([]);
    await h.toolsFor(['local.learn'])[0].execute({}, ctx);
    await until(() => h.toolsFor(['local.learned']).length === 1);
    await expect(h.toolsFor(['local.learned'])[0].execute({}, ctx)).resolves.toBe('new trick');
    expect(h.status()[0].tools.map((t) => t.name)).toContain('local.learned');
  });

  it('never connects a disabled server', async () => {
    const h = hub({ off: stdio({ enabled: false }) });
    await h.start();
    expect(h.status()[0]).toMatchObject({ state: 'disabled', tools: [] });
  });

  it('reads the config shapes other MCP hosts use, and refuses names with dots', () => {
    const config = switchboardConfigSchema.parse({
      mcpServers: {
        github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: 't' } },
        docs: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer x' } },
        typed: { type: 'http', url: 'https://mcp.example.com/mcp' },
      },
    });
    expect(config.mcpServers.github).toMatchObject({ command: 'npx', enabled: true, timeoutMs: 60_000, maxResultChars: 100_000 });
    expect(config.mcpServers.docs).toMatchObject({ url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer x' } });
    expect(switchboardConfigSchema.safeParse({ mcpServers: { 'git.hub': { command: 'x' } } }).success).toBe(false);
    expect(switchboardConfigSchema.safeParse({ mcpServers: { a: { url: 'ftp://x' } } }).success).toBe(false);
    expect(switchboardConfigSchema.safeParse({ mcpServers: { a: { command: 'x', url: 'http://x' } } }).success).toBe(false);
  });

  it('matches allow-list patterns as globs', () => {
    expect(allowsTool(['github.*'], 'github.create_issue')).toBe(true);
    expect(allowsTool(['github.*'], 'gitlab.create_issue')).toBe(false);
    expect(allowsTool(['*.search'], 'docs.search')).toBe(true);
    expect(allowsTool(['docs.search'], 'docs.search_all')).toBe(false);
  });
});
