/**
 * Scale benchmark: the same load on SQLite (one API), PostgreSQL with one API replica and with
 * two replicas on one database. The fake LLM answers at once; each API and the database are
 * processes of their own, so the CPU each spends per turn is read from /proc: on this 2-core
 * machine the replicas and the database share the cores, so CPU per turn (how many turns one
 * core serves) is the figure to compare, beside throughput and added latency. After each load
 * the database is checked: every message answered exactly once, no errors.
 *
 * Usage: node tools/dist/bench/scale.js [--turns 300] [--concurrency 64] [--concurrent-turns 5000]
 *   [--only sqlite,pg1,pg2] [--cpu-prof DIR] (each API writes a V8 CPU profile into DIR when it stops)
 *   [--rate N] (paces the concurrent load at N turns/s in all, so every setup does the same work per
 *   second: CPU per turn is then compared at one load, not each setup at its own saturation)
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { Client } from 'pg';
import { startPostgresCluster } from '@switchboard/persistence';
import { SwitchboardClient, type SwitchboardSocket, type WebSocketConstructor } from '@switchboard/protocol';
import { startApiProcess, type NodeProcess } from '../testing';
import { forkFakeLlm, type FakeLlmProcess } from './fake-llm-process';
import { directCall, percentile, SessionPool } from './bench-support';

/** Every session the load created, to check afterwards that each message was answered once. */
const created = new Set<string>();
const remember = (id: string) => created.add(id);

const TOKEN = 'bench-token-0123456789abcdef';
const CLOCK_TICKS = 100; // USER_HZ on Linux

const progress = (msg: string) => process.stderr.write(`[bench:scale] ${msg}\n`);

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server's processes: the postmaster and its children (backends, writers). */
function postgresPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const pids = [postmaster];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

interface ScenarioResult {
  name: string;
  replicas: number;
  turnsPerSecond: number;
  addedP50: number;
  addedP99: number;
  apiCpuMsPerTurn: number[];
  dbCpuMsPerTurn: number | null;
  errors: number;
  answered: number;
  expected: number;
  duplicates: number;
}

async function runScenario(
  name: string,
  fake: FakeLlmProcess,
  configFile: string,
  replicas: number,
  databaseUrl: string | null,
  pgDataDir: string | null,
  opts: { turns: number; concurrency: number; concurrentTurns: number; cpuProf: string | null; rate: number | null },
): Promise<ScenarioResult> {
  const dirs: string[] = [];
  const apis: NodeProcess[] = [];
  const sharedDir = mkdtempSync(join(tmpdir(), 'switchboard-scale-'));
  dirs.push(sharedDir);
  for (let r = 0; r < replicas; r++) {
    const dataDir = databaseUrl ? mkdtempSync(join(tmpdir(), 'switchboard-scale-')) : sharedDir;
    if (dataDir !== sharedDir) dirs.push(dataDir);
    apis.push(
      await startApiProcess({
        PORT: '0',
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_CONFIG: configFile,
        SWITCHBOARD_API_TOKEN: TOKEN,
        LOG_LEVEL: 'info',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl, SWITCHBOARD_REPLICA_ID: `bench-${r}`, DATABASE_POOL_SIZE: '16' } : {}),
      }, { timeoutMs: 60_000, ...(opts.cpuProf ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] } : {}) }),
    );
  }
  const clients = apis.map((a) => new SwitchboardClient({ baseUrl: a.url, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor }));
  const sockets: SwitchboardSocket[] = [];
  for (const c of clients) for (let i = 0; i < 4; i++) sockets.push(await c.connect());

  // Warm-up on every replica.
  for (const [i, s] of sockets.entries()) {
    const pool = new SessionPool(s, `warm-${i}`, remember);
    for (let k = 0; k < 30; k++) await s.call('session.send', { sessionId: await pool.next(), text: `warm ${k}`, wait: true });
  }

  // Sequential turns with their paired direct calls: the added latency.
  const added: number[] = [];
  const seqPool = new SessionPool(sockets[0], 'seq', remember);
  for (let i = 0; i < opts.turns; i++) {
    const sessionId = await seqPool.next();
    const t0 = performance.now();
    await sockets[i % sockets.length].call('session.send', { sessionId, text: `Message number ${i}`, wait: true });
    const turn = performance.now() - t0;
    added.push(turn - (await directCall(fake, `Message number ${i}`)));
  }
  added.sort((a, b) => a - b);

  // Concurrent load, sessions spread over the replicas.
  const apiCpu0 = apis.map((a) => cpuSeconds(a.child.pid!));
  const dbPids = pgDataDir ? postgresPids(pgDataDir) : [];
  const dbCpu0 = dbPids.map(cpuSeconds);
  let started = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, w) => {
      const s = sockets[w % sockets.length];
      const pool = new SessionPool(s, `conc-${w}`, remember);
      while (started < opts.concurrentTurns) {
        const n = started++;
        if (opts.rate) {
          const wait = t0 + (n * 1000) / opts.rate - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
        try {
          await s.call('session.send', { sessionId: await pool.next(), text: `Concurrent ${w}`, wait: true });
        } catch (err) {
          errors++;
          // The first few say what failed (a timeout, a refusal, a server error).
          if (errors <= 5) progress(`${name}: a turn failed: ${(err as Error).message}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const apiCpuMsPerTurn = apis.map((a, i) => ((cpuSeconds(a.child.pid!) - apiCpu0[i]) * 1000) / started);
  const dbCpuMsPerTurn = pgDataDir ? ((dbPids.map(cpuSeconds).reduce((x, y) => x + y, 0) - dbCpu0.reduce((x, y) => x + y, 0)) * 1000) / started : null;

  // Every message answered exactly once.
  let answered = 0;
  let duplicates = 0;
  let expected = 0;
  const unanswered: string[] = [];
  for (const id of created) {
    const { messages } = await clients[0].listMessages(id, { limit: 500 });
    const users = messages.filter((m) => m.role === 'user');
    const replies = messages.filter((m) => m.role === 'assistant' && m.status === 'complete');
    expected += users.length;
    answered += replies.length;
    if (replies.length < users.length) {
      const odd = messages.filter((m) => m.role !== 'user' && !(m.role === 'assistant' && m.status === 'complete'));
      unanswered.push(...odd.map((m) => `${m.role}/${m.kind}/${m.status}: ${m.content.slice(0, 160)}`));
    }
    const perTurn = new Map<string, number>();
    for (const r of replies) perTurn.set(r.turnId ?? '', (perTurn.get(r.turnId ?? '') ?? 0) + 1);
    for (const n of perTurn.values()) if (n > 1) duplicates += n - 1;
  }

  created.clear();
  if (unanswered.length) {
    progress(`${name}: messages without a complete reply:\n  ${unanswered.join('\n  ')}`);
    const problems = apis.flatMap((a) => a.log.filter((l) => /"level":"?(warn|error|fatal|40|50|60)/.test(l)));
    progress(`${name}: API warnings and errors:\n  ${problems.slice(0, 20).join('\n  ')}`);
  }
  for (const s of sockets) s.close();
  await Promise.all(apis.map((a) => a.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  return {
    name,
    replicas,
    turnsPerSecond: started / seconds,
    addedP50: percentile(added, 50),
    addedP99: percentile(added, 99),
    apiCpuMsPerTurn,
    dbCpuMsPerTurn,
    errors,
    answered,
    expected,
    duplicates,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      turns: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '64' },
      'concurrent-turns': { type: 'string', default: '5000' },
      only: { type: 'string', default: 'sqlite,pg1,pg2' },
      'cpu-prof': { type: 'string' },
      rate: { type: 'string' },
    },
  });
  const opts = { turns: Number(values.turns), concurrency: Number(values.concurrency), concurrentTurns: Number(values['concurrent-turns']), cpuProf: values['cpu-prof'] ?? null, rate: values.rate ? Number(values.rate) : null };
  const only = new Set(values.only.split(',').map((x) => x.trim()));
  const fake = await forkFakeLlm({ defaultReply: 'OK, noted.', chunkSize: 64 });
  const configDir = mkdtempSync(join(tmpdir(), 'switchboard-scale-config-'));
  const configFile = join(configDir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      providers: { fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'k' } },
      models: [{ id: 'bench', provider: 'fake', model: 'bench-model', tier: 'default', label: 'Bench', contextWindow: 128000, price: { input: 1, output: 2 } }],
    }),
  );
  progress('starting PostgreSQL');
  const cluster = await startPostgresCluster();
  const results: ScenarioResult[] = [];
  try {
    if (only.has('sqlite')) {
      progress('SQLite, 1 API');
      results.push(await runScenario('SQLite', fake, configFile, 1, null, null, opts));
    }
    for (const replicas of [1, 2]) {
      if (!only.has(`pg${replicas}`)) continue;
      progress(`PostgreSQL, ${replicas} replica(s)`);
      const dbName = `scale_${replicas}`;
      const admin = new Client({ connectionString: cluster.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      const url = new URL(cluster.url);
      url.pathname = `/${dbName}`;
      results.push(await runScenario(`PostgreSQL, ${replicas} replica${replicas > 1 ? 's' : ''}`, fake, configFile, replicas, url.toString(), cluster.dataDir, opts));
    }
  } finally {
    await cluster.stop();
    await fake.close();
    rmSync(configDir, { recursive: true, force: true });
  }

  const f = (n: number) => n.toFixed(2);
  const sqliteCpu = results.find((r) => r.name === 'SQLite')?.apiCpuMsPerTurn[0] ?? NaN;
  const lines = [
    `Switchboard scale benchmark (fake LLM, zero latency; ${opts.concurrentTurns} turns over ${opts.concurrency} concurrent sessions${opts.rate ? ` paced at ${opts.rate} turns/s` : ''}; ${opts.turns} sequential turns for latency)`,
    '  setup                      turns/s   added p50/p99 (ms)   API CPU per turn (ms, per replica)   DB CPU per turn (ms)   answered / sent   duplicates   errors',
    ...results.map(
      (r) =>
        `  ${r.name.padEnd(26)} ${r.turnsPerSecond.toFixed(0).padStart(7)}   ${`${f(r.addedP50)} / ${f(r.addedP99)}`.padEnd(20)} ${r.apiCpuMsPerTurn.map(f).join(' + ').padEnd(36)} ${(r.dbCpuMsPerTurn === null ? 'in the API' : f(r.dbCpuMsPerTurn)).padEnd(22)} ${`${r.answered} / ${r.expected}`.padEnd(17)} ${String(r.duplicates).padEnd(12)} ${r.errors}`,
    ),
    ...results
      .filter((r) => r.name !== 'SQLite')
      .map((r) => `  ${r.name}: API CPU per turn (all replicas) ${f(r.apiCpuMsPerTurn.reduce((a, b) => a + b, 0))} ms = ${(r.apiCpuMsPerTurn.reduce((a, b) => a + b, 0) / sqliteCpu).toFixed(2)}x SQLite's ${f(sqliteCpu)} ms (target within 1.5x)`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
