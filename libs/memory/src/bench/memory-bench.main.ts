/**
 * `npm run bench:memory`: the memory pipeline over the labelled fixtures and a 100,000-memory store.
 * Usage: node libs/memory/dist/bench/memory-bench.main.js [--size 100000] [--queries 500] [--postgres URL]
 * With a PostgreSQL server (`--postgres`, or SWITCHBOARD_BENCH_POSTGRES_URL: a role that may create
 * databases) it runs on SQLite and then on a fresh database there, and reports both.
 */
import { parseArgs } from 'node:util';
import { formatBenchReport, missedTargets, runMemoryBench, type MemoryBenchResult } from './memory-bench';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: '100000' }, queries: { type: 'string', default: '500' }, postgres: { type: 'string' } },
  });
  // This file is the process entry point: the only place the bench reads the environment.
  const postgresUrl = values.postgres ?? process.env.SWITCHBOARD_BENCH_POSTGRES_URL ?? undefined;
  const run = (url?: string) =>
    runMemoryBench({
      corpusSize: Number(values.size),
      latencyQueries: Number(values.queries),
      postgresUrl: url,
      progress: (line) => process.stderr.write(line + '\n'),
    });
  const results: MemoryBenchResult[] = [await run()];
  if (postgresUrl) results.push(await run(postgresUrl));
  process.stdout.write(results.map(formatBenchReport).join('\n\n') + '\n');
  const missed = results.flatMap((r) => missedTargets(r).map((m) => `${m} (${r.database})`));
  if (missed.length) {
    process.stdout.write(`\nTargets missed: ${missed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

void main().catch((err) => {
  process.stderr.write(`memory bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
