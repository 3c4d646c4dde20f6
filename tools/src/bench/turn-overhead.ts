/**
 * Turn-overhead benchmark: what the API adds to a turn on top of the model call itself.
 * Starts the fake LLM (zero latency) and the built API, each as a process of its own (so the
 * direct baseline crosses the same process boundary as the API's own call),
 * then measures sequential and concurrent turns over the WebSocket, cold start, RSS, and the
 * size of the upstream request for a one-line first message.
 *
 * Usage: node tools/dist/bench/turn-overhead.js [--turns 1000] [--concurrency 64] [--concurrent-turns 10000]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { SwitchboardClient, type WebSocketConstructor } from '@switchboard/protocol';
import { startApiProcess, type NodeProcess } from '../testing';
import { forkFakeLlm } from './fake-llm-process';
import { directCall, percentile, SessionPool, TURNS_PER_SESSION } from './bench-support';

const TOKEN = 'bench-token-0123456789abcdef';

function summary(samples: number[]): { p50: number; p90: number; p99: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startApi(env: Record<string, string>): Promise<{ api: NodeProcess; url: string; coldStartMs: number }> {
  const t0 = performance.now();
  const api = await startApiProcess(env);
  // Cold start = until the API answers a request, not just until it logs.
  for (;;) {
    try {
      if ((await fetch(`${api.url}/api/v1/health`)).ok) break;
    } catch {
      await sleep(5);
    }
  }
  return { api, url: api.url, coldStartMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      turns: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '64' },
      'concurrent-turns': { type: 'string', default: '10000' },
    },
  });
  const sequentialTurns = Number(values.turns);
  const concurrency = Number(values.concurrency);
  const concurrentTurns = Number(values['concurrent-turns']);
  const reply = 'OK, noted.';

  const fake = await forkFakeLlm({ defaultReply: reply, chunkSize: 64 });
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const configFile = join(dataDir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      providers: { fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'k' } },
      models: [{ id: 'bench', provider: 'fake', model: 'bench-model', tier: 'default', label: 'Bench', contextWindow: 128000, price: { input: 1, output: 2 } }],
    }),
  );
  const env = { PORT: '0', SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_CONFIG: configFile, SWITCHBOARD_API_TOKEN: TOKEN, LOG_LEVEL: 'info' };

  // Cold start, three times (median), on a fresh data dir each time after the first.
  const colds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = i === 0 ? dataDir : mkdtempSync(join(tmpdir(), 'switchboard-bench-cold-'));
    const started = await startApi({ ...env, SWITCHBOARD_DATA_DIR: dir });
    colds.push(started.coldStartMs);
    await started.api.stop();
    if (dir !== dataDir) rmSync(dir, { recursive: true, force: true });
  }

  progress(`cold starts: ${colds.map((c) => c.toFixed(0)).join(', ')} ms`);
  const api = await startApi(env);
  const pid = api.api.child.pid!;
  await sleep(1000);
  const idleRss = rssMb(pid);
  const client = new SwitchboardClient({ baseUrl: api.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
  const socket = await client.connect();

  // Upstream request size for a one-line first message.
  await fake.reset();
  const first = await socket.call('session.create', { channel: 'api', peerId: 'first-message' });
  await socket.call('session.send', { sessionId: first.id, text: 'What time is it in Paris?', wait: true });
  const upstreamBytes = (await fake.requestBytes(0)) ?? NaN;

  progress(`upstream bytes ${upstreamBytes}`);
  // Warm-up.
  const warm = new SessionPool(socket, 'warm');
  for (let i = 0; i < 100; i++) await socket.call('session.send', { sessionId: await warm.next(), text: `warm ${i}`, wait: true });
  for (let i = 0; i < 100; i++) await directCall(fake, `warm ${i}`);

  progress('warm-up done');
  // Sequential: turns over the WebSocket vs the same call made directly.
  const pool = new SessionPool(socket, 'seq');
  const turnMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < sequentialTurns; i++) {
    const sessionId = await pool.next();
    const t0 = performance.now();
    await socket.call('session.send', { sessionId, text: `Message number ${i}`, wait: true });
    turnMs.push(performance.now() - t0);
    directMs.push(await directCall(fake, `Message number ${i}`));
  }
  const turn = summary(turnMs);
  const direct = summary(directMs);
  // Each turn is paired with the direct call made right after it, under the same conditions:
  // the percentiles of those differences are the added latency. (Subtracting one percentile
  // from another flatters the tail whenever the direct calls had a slow outlier of their own.)
  const added = summary(turnMs.map((t, i) => t - directMs[i]));

  progress('sequential done');
  // Concurrent: `concurrency` sessions sending back-to-back over a few sockets.
  const sockets = [socket, ...(await Promise.all([1, 2, 3].map(() => client.connect())))];
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const s = sockets[w % sockets.length];
      const p = new SessionPool(s, `conc-${w}`);
      while (done < concurrentTurns) {
        done++;
        await s.call('session.send', { sessionId: await p.next(), text: `Concurrent ${w}`, wait: true });
      }
    }),
  );
  const concurrentSeconds = (performance.now() - t0) / 1000;
  const totalTurns = 1 + 100 + sequentialTurns + done;
  await sleep(2000);
  const rssAfter = rssMb(pid);
  // Idle again: V8 keeps the heap it grew under load until its memory reducer runs (some
  // seconds after the load stops), so RSS is sampled until it is back near idle or 90 s pass.
  // A leak would keep it high.
  const settleStart = performance.now();
  let rssSettled = rssAfter;
  while (rssSettled > idleRss * 1.15 && performance.now() - settleStart < 90_000) {
    await sleep(1000);
    rssSettled = rssMb(pid);
  }
  const settleSeconds = (performance.now() - settleStart) / 1000 + 2;

  for (const s of sockets) s.close();
  await api.api.stop();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });

  const f = (n: number) => n.toFixed(2);
  const lines = [
    'Switchboard turn-overhead benchmark (fake LLM, zero latency, SQLite)',
    `  sequential turns:            ${sequentialTurns} over the WebSocket (wait: true), ${TURNS_PER_SESSION} turns per session`,
    `  turn latency (ms):           p50 ${f(turn.p50)}  p90 ${f(turn.p90)}  p99 ${f(turn.p99)}`,
    `  direct fake-LLM call (ms):   p50 ${f(direct.p50)}  p90 ${f(direct.p90)}  p99 ${f(direct.p99)}`,
    `  added per turn (ms):         p50 ${f(added.p50)}  p90 ${f(added.p90)}  p99 ${f(added.p99)}  (each turn minus its paired direct call)`,
    `  turn minus direct, by percentile: p50 ${f(turn.p50 - direct.p50)}  p90 ${f(turn.p90 - direct.p90)}  p99 ${f(turn.p99 - direct.p99)}  (as reported before)`,
    `  concurrent:                  ${done} turns over ${concurrency} sessions in ${f(concurrentSeconds)} s = ${(done / concurrentSeconds).toFixed(0)} turns/s`,
    `  cold start (ms, median of 3): ${f([...colds].sort((a, b) => a - b)[1])}  (runs: ${colds.map(f).join(', ')})`,
    `  RSS idle:                    ${idleRss.toFixed(1)} MB`,
    `  RSS 2 s after ${totalTurns} turns: ${rssAfter.toFixed(1)} MB (heap grown under load, not yet given back)`,
    `  RSS idle after ${totalTurns} turns: ${rssSettled.toFixed(1)} MB (${settleSeconds.toFixed(0)} s after the load)`,
    `  upstream request, one-line first message: ${upstreamBytes} bytes`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
