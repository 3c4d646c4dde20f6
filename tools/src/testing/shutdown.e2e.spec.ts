import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { apiTestEnv, eventually, fakeCatalog, REPO_ROOT, startApiProcess, startNodeProcess, type NodeProcess } from './index';
import { startFakeLlm } from '../fake-llm';

/**
 * Every process stops within 10 s of SIGTERM whatever its peers do: the API with its provider
 * silent, the dashboard and the bot with the API (and the Bot API) gone, and `npm start`'s supervisor.
 */
const TOKEN = 'shutdown-test-token-0123456789';
const LIMIT_MS = 10_000;

/** Milliseconds from SIGTERM to exit. */
function sigtermAndTime(child: ChildProcess): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(0);
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve(Date.now() - started);
    });
    child.kill('SIGTERM');
  });
}

/** A provider that accepts connections and never answers. */
async function silentUpstream(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A Bot API whose long polls hang; `kill()` drops every connection and stops listening. */
async function hangingBotApi(): Promise<{ root: string; kill(): void; polls: () => number }> {
  let polls = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const method = (req.url ?? '').split('/').pop();
    if (method === 'getUpdates') {
      polls++;
      return; // never answers
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, result: method === 'getMe' ? { id: 42, is_bot: true, first_name: 'Bot', username: 'shutdown_bot' } : true }));
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    kill() {
      for (const s of sockets) s.destroy();
      server.close();
    },
    polls: () => polls,
  };
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('bounded shutdown', () => {
  it('the API stops within 10 s while a turn waits on a provider that never answers', async () => {
    const upstream = await silentUpstream();
    const fake = await startFakeLlm();
    const config = fakeCatalog(fake, {
      providers: {
        fake: { type: 'openai-compatible', baseUrl: upstream.url, apiKey: 'k-0123456789' },
        fakeanthropic: { type: 'anthropic', baseUrl: upstream.url, apiKey: 'k-0123456789' },
      },
    });
    const { dataDir, env } = apiTestEnv(config, { token: TOKEN });
    const api = await startApiProcess(env);
    try {
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const session = (await (await fetch(`${api.url}/api/v1/sessions`, { method: 'POST', headers, body: '{"peerId":"stuck"}' })).json()) as { id: string };
      await fetch(`${api.url}/api/v1/sessions/${session.id}/messages`, { method: 'POST', headers, body: '{"text":"hello?"}' });
      await fake.close();
      expect(await sigtermAndTime(api.child)).toBeLessThan(LIMIT_MS);
    } finally {
      await api.stop();
      upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('the bot stops within 10 s once its API and Bot API are gone', async () => {
    const fake = await startFakeLlm();
    const { dataDir, env } = apiTestEnv(fakeCatalog(fake), { token: TOKEN });
    const api = await startApiProcess(env);
    const botApi = await hangingBotApi();
    let bot: NodeProcess | null = null;
    try {
      bot = await startNodeProcess(
        join(REPO_ROOT, 'apps/telegram/dist/main.js'),
        { TELEGRAM_BOT_TOKEN: '123456:shutdown-test', TELEGRAM_API_ROOT: botApi.root, SWITCHBOARD_API_URL: api.url, SWITCHBOARD_API_TOKEN: TOKEN, LOG_LEVEL: 'info' },
        { name: 'bot', urlFrom: (line) => (line.includes('long polling started') ? 'polling' : null) },
      );
      await eventually(() => botApi.polls(), (n) => n > 0, 'a long poll');
      await api.stop();
      botApi.kill();
      await fake.close();
      expect(await sigtermAndTime(bot.child)).toBeLessThan(LIMIT_MS);
    } finally {
      await bot?.stop();
      await api.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);

  it('the dashboard stops within 10 s once the API is gone', async () => {
    const fake = await startFakeLlm();
    const { dataDir, env } = apiTestEnv(fakeCatalog(fake), { token: TOKEN });
    const api = await startApiProcess(env);
    try {
      const web = await startNodeProcess(
        join(REPO_ROOT, 'apps/web/dist/server.js'),
        { WEB_PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_API_URL: api.url, SWITCHBOARD_API_TOKEN: TOKEN, LOG_LEVEL: 'info' },
        { name: 'web', urlFrom: (line) => (/dashboard/i.test(line) && /"url":"([^"]+)"/.exec(line)?.[1]) || null },
      );
      await api.stop();
      await fake.close();
      expect(await sigtermAndTime(web.child)).toBeLessThan(LIMIT_MS);
    } finally {
      await api.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 40_000);

  it("npm start's supervisor stops itself and every part within 10 s", async () => {
    const fake = await startFakeLlm();
    const { dataDir, env } = apiTestEnv(fakeCatalog(fake), { token: TOKEN });
    const port = await freePort();
    const webPort = await freePort();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/scripts/start.mjs')], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), WEB_PORT: String(webPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: REPO_ROOT,
    });
    const log: string[] = [];
    child.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    try {
      await eventually(() => log.join(''), (text) => text.includes('Switchboard is up'), 'the supervisor to be up', 30_000);
      await fake.close();
      expect(await sigtermAndTime(child)).toBeLessThan(LIMIT_MS);
      // Nothing it started is left listening.
      for (const p of [port, webPort]) await expect(fetch(`http://127.0.0.1:${p}/api/v1/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  // `npm start` runs `sh -c "… && node tools/scripts/start.mjs"`: npm's SIGTERM ends the shell,
  // which does not pass it on. The supervisor, and the API under it, must notice and stop.
  it('the supervisor and its parts stop when the shell that started them is killed', async () => {
    const fake = await startFakeLlm();
    const { dataDir, env } = apiTestEnv(fakeCatalog(fake), { token: TOKEN });
    const port = await freePort();
    const shell = spawn('/bin/sh', ['-c', `node ${join(REPO_ROOT, 'tools/scripts/start.mjs')}; true`], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), WEB_PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: REPO_ROOT,
    });
    const log: string[] = [];
    shell.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
    shell.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
    try {
      await eventually(() => log.join(''), (text) => text.includes('Switchboard is up'), 'the supervisor to be up', 30_000);
      shell.kill('SIGTERM');
      const started = Date.now();
      await eventually(
        async () => fetch(`http://127.0.0.1:${port}/api/v1/health`).then(() => 'up', () => 'down'),
        (state) => state === 'down',
        'the API to stop after its shell was killed',
        LIMIT_MS,
      );
      expect(Date.now() - started).toBeLessThan(LIMIT_MS);
      await eventually(() => log.join(''), (text) => text.includes('the parent process exited'), 'the supervisor to say why it stopped');
    } finally {
      if (shell.exitCode === null) shell.kill('SIGKILL');
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
