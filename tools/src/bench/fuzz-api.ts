/**
 * Fuzz and fault run against the built API (a process of its own, over a fake LLM in this
 * process and an upstream that stalls): hostile HTTP requests and WebSocket frames, then
 * turns whose stream stalls after the first tokens. Prints figures; exits 1 on any 5xx, any
 * state change made by a refused request, or a turn that never ended.
 *
 * Usage: node tools/dist/bench/fuzz-api.js [--requests 5000] [--frames 1000] [--stalls 20] [--seed 1]
 */
import Database from 'better-sqlite3';
import { createServer, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startFakeLlm } from '../fake-llm';
import { fakeCatalog, FAKE_KEY, startApiProcess } from '../testing';

const TOKEN = 'fuzz-token-0123456789abcdef';
const TABLES = ['sessions', 'messages', 'queued_messages', 'session_config', 'memories', 'jobs', 'preferences', 'usage_records', 'access_users'];

/** A small seeded generator, so a run can be repeated. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '5000' }, frames: { type: 'string', default: '1000' }, stalls: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' } },
});
const random = rng(Number(args.seed));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const progress = (msg: string) => process.stderr.write(`[fuzz] ${msg}\n`);

const HOSTILE_STRINGS = ['', ' ', 'null', '%zz', '\u0000', '\ud800', 'é'.repeat(300), 'a'.repeat(70_000), '../../etc/passwd', '<script>', '${jndi:x}', '🙂', 'default', 'gpt-17', '-1', '1e999'];
const hostileValue = (depth = 0): unknown => {
  switch (Math.floor(random() * 9)) {
    case 0:
      return pick(HOSTILE_STRINGS);
    case 1:
      return Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return depth > 3 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => hostileValue(depth + 1));
    case 5:
      return depth > 3 ? {} : Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(['text', 'model', 'wait', 'channel', 'peerId', 'content', 'scope', '__proto__', 'constructor', 'x']), hostileValue(depth + 1)]));
    case 6:
      return 1.5;
    case 7:
      return Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    default:
      return pick(['hi', 'main', 'fast', 'web', 'api', 'telegram', 'global']);
  }
};

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Blob;
}

function probe(sessionId: string): Probe {
  const id = pick([sessionId, 'nope', '%zz', 'a'.repeat(150), '..%2f..', '%00', sessionId + "'--"]);
  const path = pick([
    `/api/v1/sessions`,
    `/api/v1/sessions/${id}`,
    `/api/v1/sessions/${id}/messages`,
    `/api/v1/sessions/${id}/model`,
    `/api/v1/sessions/${id}/queue/${pick(['q', '%zz', sessionId])}/promote`,
    `/api/v1/sessions/${id}/reset`,
    `/api/v1/sessions/${id}/transcriptions`,
    `/api/v1/memories`,
    `/api/v1/memories/${id}`,
    `/api/v1/settings/default-model`,
    `/api/v1/jobs`,
    `/api/v1/usage?from=${pick(HOSTILE_STRINGS)}`,
    `/api/v1/search?q=${encodeURIComponent(pick(HOSTILE_STRINGS).replace(/[\ud800-\udfff]/g, ''))}`,
    `/v1/chat/completions`,
    `/v1/models/${id}`,
    `/api/v1/sessions?channel=${pick(HOSTILE_STRINGS)}&limit=${pick(['-1', '1e9', 'x', '5'])}`,
  ]);
  const method = pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
  const auth = pick([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`, 'Bearer wrong-token-wrong-token', '', `bearer  ${TOKEN}x`]);
  const contentType = pick(['application/json', 'application/json', 'application/json; charset=latin1', 'text/plain', 'application/octet-stream', 'audio/ogg', 'application/x-www-form-urlencoded', '']);
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = auth;
  if (contentType) headers['content-type'] = contentType;
  if (method === 'GET' || method === 'DELETE') return { method, path, headers };
  const kind = random();
  const body = kind < 0.1 ? '{"text": "unterminated' : kind < 0.15 ? new Blob([new Uint8Array(Math.floor(random() * 200_000)).fill(0x41)]) : JSON.stringify(hostileValue());
  return { method, path, headers, body };
}

/** `{ error: { code, message } }`, or OpenAI's `{ error: { message, type } }` under /v1/. */
function documentedError(text: string, path: string): boolean {
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown; type?: unknown } }).error;
    return typeof e?.message === 'string' && (path.startsWith('/v1/') ? typeof e.type === 'string' : typeof e.code === 'string');
  } catch {
    return false;
  }
}

function counts(db: Database.Database): string {
  return TABLES.map((t) => {
    try {
      return (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    } catch {
      return -1;
    }
  }).join(',');
}

async function main(): Promise<void> {
  const fake = await startFakeLlm({ apiKey: FAKE_KEY });
  const open = new Set<ServerResponse>();
  // An upstream that sends two chunks and then nothing.
  const staller = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content: string) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'stall', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
      res.write(`data: ${JSON.stringify(chunk('Partial '))}\n\ndata: ${JSON.stringify(chunk('reply'))}\n\n`);
      open.add(res);
    });
  });
  await new Promise<void>((r) => staller.listen(0, '127.0.0.1', r));
  const stallUrl = `http://127.0.0.1:${(staller.address() as AddressInfo).port}/v1`;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-fuzz-'));
  const config = fakeCatalog(fake, {
    providers: {
      fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
      fakeanthropic: { type: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
      stall: { type: 'openai-compatible', baseUrl: stallUrl, apiKey: 'stall-key-0123456789' },
    },
    models: [...(fakeCatalog(fake).models as object[]), { id: 'stall', provider: 'stall', model: 'stall', label: 'Stalls' }],
    failover: { retries: 0, streamIdleTimeoutMs: 2000 },
  });
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config));
  const api = await startApiProcess({
    PORT: '0',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_CONFIG: join(dataDir, 'config.json'),
    SWITCHBOARD_API_TOKEN: TOKEN,
    FAKE_KEY,
    LOG_LEVEL: 'info',
    // The fuzzer is one client hammering: lift the per-token and per-address limits so every request is judged on its content.
    SWITCHBOARD_RATE_LIMIT_PER_MINUTE: '0',
    SWITCHBOARD_AUTH_FAILURES_PER_MINUTE: '0',
  });
  const db = new Database(join(dataDir, 'switchboard.sqlite'), { readonly: true });
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const session = (await (await fetch(`${api.url}/api/v1/sessions`, { method: 'POST', headers: auth, body: '{"peerId":"fuzz"}' })).json()) as { id: string };
  let failed = false;
  try {
    // 1. HTTP fuzz: every refused request must leave every table as it was.
    const n = Number(args.requests);
    const byStatus = new Map<number, number>();
    let refusedChanges = 0;
    let networkErrors = 0;
    let badShape = 0;
    let maxMs = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const p = probe(session.id);
      const before = counts(db);
      const started = performance.now();
      let status = 0;
      try {
        const res = await fetch(api.url + p.path, { method: p.method, headers: p.headers, body: p.body });
        const text = await res.text();
        status = res.status;
        if (status >= 400 && !documentedError(text, p.path)) badShape++;
      } catch {
        networkErrors++;
      }
      maxMs = Math.max(maxMs, performance.now() - started);
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      if (status >= 400 && status < 500 && counts(db) !== before) refusedChanges++;
      // A request that was taken may start a turn: let it finish before the next comparison.
      if (status >= 200 && status < 300 && p.method !== 'GET') await new Promise((r) => setTimeout(r, 30));
    }
    const secs = (performance.now() - t0) / 1000;
    const fivexx = [...byStatus].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0);
    const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([s, c]) => `${s}: ${c}`).join(', ');
    console.log(`HTTP fuzz: ${n} requests in ${secs.toFixed(1)} s; statuses ${statuses}; 5xx ${fivexx}; network errors ${networkErrors}; refused requests that changed state ${refusedChanges}; errors not in the documented shape ${badShape}; slowest answer ${maxMs.toFixed(0)} ms`);
    if (fivexx || refusedChanges || networkErrors || badShape) failed = true;

    // 2. WebSocket frames: garbage, wrong shapes, unknown methods; the socket must answer each.
    const frames = Number(args.frames);
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/ws?token=${TOKEN}`);
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    let answered = 0;
    let internal = 0;
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as { id?: unknown; error?: { code?: string } };
      if (f.id !== undefined) answered++;
      if (f.error?.code === 'INTERNAL') internal++;
    });
    const wsBefore = counts(db);
    for (let i = 0; i < frames; i++) {
      const method = pick(['session.get', 'session.send', 'queue.promote', 'watch.subscribe', 'nope', 'auth', 'session.setModel', '__proto__', 'usage.report']);
      const kind = random();
      const frame = kind < 0.2 ? '{"id":' : kind < 0.3 ? JSON.stringify(hostileValue()) : JSON.stringify({ id: i, method, params: { sessionId: pick(['nope', '%zz', 'a'.repeat(300)]), ...(hostileValue() as object) } });
      ws.send(frame);
    }
    const deadline = Date.now() + 10_000;
    while (answered < frames && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    console.log(`WebSocket fuzz: ${frames} frames, ${answered} answered, INTERNAL errors ${internal}, state changed ${counts(db) !== wsBefore ? 'yes' : 'no'}`);
    if (internal || answered < frames || counts(db) !== wsBefore) failed = true;

    // 3. Stalled upstream: every turn must end, interrupted with its partial text, and the queues drain.
    const stalls = Number(args.stalls);
    const sessions: string[] = [];
    for (let i = 0; i < stalls; i++) {
      const s = (await (await fetch(`${api.url}/api/v1/sessions`, { method: 'POST', headers: auth, body: JSON.stringify({ peerId: `stall-${i}` }) })).json()) as { id: string };
      sessions.push(s.id);
    }
    const s0 = performance.now();
    await Promise.all(
      sessions.map(async (id) => {
        await fetch(`${api.url}/api/v1/sessions/${id}/messages`, { method: 'POST', headers: auth, body: '{"text":"stall please","model":"stall"}' });
        await fetch(`${api.url}/api/v1/sessions/${id}/messages`, { method: 'POST', headers: auth, body: '{"text":"after the stall","model":"main"}' });
      }),
    );
    const healthMs: number[] = [];
    const ended = new Map<string, number>();
    while (ended.size < sessions.length && performance.now() - s0 < 30_000) {
      const h0 = performance.now();
      await fetch(`${api.url}/api/v1/health`);
      healthMs.push(performance.now() - h0);
      for (const id of sessions) {
        if (ended.has(id)) continue;
        const { messages } = (await (await fetch(`${api.url}/api/v1/sessions/${id}/messages`, { headers: auth })).json()) as { messages: Array<{ role: string; status: string; content: string }> };
        if (messages.some((m) => m.role === 'assistant' && m.content === 'Echo: after the stall' && m.status === 'complete')) ended.set(id, performance.now() - s0);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const interrupted = (db.prepare(`SELECT count(*) AS n FROM "messages" WHERE "status" = 'interrupted' AND "content" = 'Partial reply'`).get() as { n: number }).n;
    const running = (db.prepare(`SELECT count(*) AS n FROM "sessions" WHERE "status" = 'running'`).get() as { n: number }).n;
    const times = [...ended.values()].sort((a, b) => a - b);
    console.log(
      `Stalled upstream: ${stalls} turns stalled after their first tokens (idle timeout 2 s); ${interrupted} ended interrupted with the partial text kept; ` +
        `${ended.size}/${stalls} queues drained (after ${(times[0] / 1000).toFixed(1)}–${(times.at(-1)! / 1000).toFixed(1)} s); sessions still running ${running}; ` +
        `health answered in at most ${Math.max(...healthMs).toFixed(0)} ms meanwhile`,
    );
    if (interrupted !== stalls || ended.size !== stalls || running) failed = true;
  } finally {
    db.close();
    for (const res of open) res.destroy();
    staller.close();
    await api.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  progress(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
