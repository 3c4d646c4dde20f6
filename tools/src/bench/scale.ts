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
 *   [--rate 100] (after the saturated load, the same load again paced at N turns/s in all, so every
 *   setup does the same work per second and CPU per turn is compared at one load; 0 skips it)
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

/**
 * CPU seconds the PostgreSQL server has used so far: the postmaster, its live children (backends,
 * writers) and the children that already exited (a pool closes idle connections and opens new
 * ones during a run; the postmaster's cutime/cstime keep what those spent).
 */
function postgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const own = readFileSync(`/proc/${postmaster}/stat`, 'utf8');
  const f = own.slice(own.lastIndexOf(')') + 2).split(' ');
  let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / CLOCK_TICKS;
}

/** One load phase: how fast it went and the CPU each process spent per turn. */
interface LoadFigures {
  turnsPerSecond: number;
  apiCpuMsPerTurn: number[];
  dbCpuMsPerTurn: number | null;
}

interface ScenarioResult {
  name: string;
  replicas: number;
  addedP50: number;
  addedP99: number;
  /** As many turns as it takes, 64 at a time. */
  saturated: LoadFigures;
  /** The same number of turns at `--rate` turns/s: every setup equally busy. */
  paced: LoadFigures | null;
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

  // Concurrent load, sessions spread over the replicas: as fast as it goes, then paced.
  let errors = 0;
  const load = async (phase: string, rate: number | null): Promise<LoadFigures> => {
    const apiCpu0 = apis.map((a) => cpuSeconds(a.child.pid!));
    const dbCpu0 = pgDataDir ? postgresCpuSeconds(pgDataDir) : 0;
    let started = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async (_, w) => {
        const s = sockets[w % sockets.length];
        const pool = new SessionPool(s, `${phase}-${w}`, remember);
        while (started < opts.concurrentTurns) {
          const n = started++;
          if (rate) {
            const wait = t0 + (n * 1000) / rate - performance.now();
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
    return {
      turnsPerSecond: started / seconds,
      apiCpuMsPerTurn: apis.map((a, i) => ((cpuSeconds(a.child.pid!) - apiCpu0[i]) * 1000) / started),
      dbCpuMsPerTurn: pgDataDir ? ((postgresCpuSeconds(pgDataDir) - dbCpu0) * 1000) / started : null,
    };
  };
  const saturated = await load('conc', null);
  const paced = opts.rate ? await load('paced', opts.rate) : null;

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
    addedP50: percentile(added, 50),
    addedP99: percentile(added, 99),
    saturated,
    paced,
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
      rate: { type: 'string', default: '100' },
    },
  });
  const opts = { turns: Number(values.turns), concurrency: Number(values.concurrency), concurrentTurns: Number(values['concurrent-turns']), cpuProf: values['cpu-prof'] ?? null, rate: Number(values.rate) > 0 ? Number(values.rate) : null };
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
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const phaseLines = (title: string, pick: (r: ScenarioResult) => LoadFigures | null): string[] => {
    const rows = results.filter((r) => pick(r) !== null);
    if (rows.length === 0) return [];
    const sqlite = rows.find((r) => r.name === 'SQLite');
    const base = sqlite ? sum(pick(sqlite)!.apiCpuMsPerTurn) : NaN;
    return [
      title,
      '  setup                      turns/s   API CPU per turn (ms, per replica)   all replicas   x SQLite   DB CPU per turn (ms)',
      ...rows.map((r) => {
        const p = pick(r)!;
        const all = sum(p.apiCpuMsPerTurn);
        return `  ${r.name.padEnd(26)} ${p.turnsPerSecond.toFixed(0).padStart(7)}   ${p.apiCpuMsPerTurn.map(f).join(' + ').padEnd(36)} ${f(all).padEnd(14)} ${(all / base).toFixed(2).padEnd(10)} ${p.dbCpuMsPerTurn === null ? 'in the API' : f(p.dbCpuMsPerTurn)}`;
      }),
    ];
  };
  const lines = [
    `Switchboard scale benchmark (fake LLM, zero latency; ${opts.concurrentTurns} turns over ${opts.concurrency} concurrent sessions, as fast as they go${opts.rate ? ` and again paced at ${opts.rate} turns/s` : ''}; ${opts.turns} sequential turns for latency)`,
    '  setup                      added p50/p99 (ms)   answered / sent   duplicates   errors',
    ...results.map(
      (r) => `  ${r.name.padEnd(26)} ${`${f(r.addedP50)} / ${f(r.addedP99)}`.padEnd(20)} ${`${r.answered} / ${r.expected}`.padEnd(17)} ${String(r.duplicates).padEnd(12)} ${r.errors}`,
    ),
    ...phaseLines('Saturated (each setup at its own top speed; a process that is less busy spends more CPU per turn, so compare with care):', (r) => r.saturated),
    ...phaseLines(`Paced at ${opts.rate} turns/s (every setup equally busy; the target: API CPU per turn on PostgreSQL within 1.5x SQLite's):`, (r) => r.paced),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
