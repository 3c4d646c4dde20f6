/**
 * `npm run bench:memory`: the memory pipeline over the labelled fixtures and a 100,000-memory store.
 * Usage: node libs/memory/dist/bench/memory-bench.main.js [--size 100000] [--queries 500] [--postgres [--postgres-url URL]]
 * With `--postgres` (or SWITCHBOARD_BENCH_POSTGRES_URL set) it runs on SQLite and then on a fresh
 * PostgreSQL database, and reports both. The database goes on the server the URL names (a role
 * that may create databases), or without one on a throwaway cluster the bench starts and stops.
 */
import { parseArgs } from 'node:util';
import { startPostgresCluster, type PostgresCluster } from '@switchboard/persistence';
import { formatBenchReport, missedTargets, runMemoryBench, type MemoryBenchResult } from './memory-bench';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '100000' },
      queries: { type: 'string', default: '500' },
      postgres: { type: 'boolean', default: false },
      'postgres-url': { type: 'string' },
    },
  });
  // This file is the process entry point: the only place the bench reads the environment.
  const givenUrl = values['postgres-url'] ?? process.env.SWITCHBOARD_BENCH_POSTGRES_URL ?? undefined;
  const run = (postgresUrl?: string) =>
    runMemoryBench({
      corpusSize: Number(values.size),
      latencyQueries: Number(values.queries),
      postgresUrl,
      progress: (line) => process.stderr.write(line + '\n'),
    });
  const results: MemoryBenchResult[] = [await run()];
  if (values.postgres || givenUrl) {
    let cluster: PostgresCluster | null = null;
    try {
      if (!givenUrl) {
        process.stderr.write('starting a throwaway PostgreSQL cluster\n');
        cluster = await startPostgresCluster();
      }
      results.push(await run(givenUrl ?? cluster!.url));
    } finally {
      await cluster?.stop();
    }
  }
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
