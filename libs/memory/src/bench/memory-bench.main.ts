/**
 * `npm run bench:memory`: the memory pipeline over the labelled fixtures and a 100,000-memory store.
 * Usage: node libs/memory/dist/bench/memory-bench.main.js [--size 100000] [--queries 500]
 */
import { parseArgs } from 'node:util';
import { formatBenchReport, missedTargets, runMemoryBench } from './memory-bench';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' }, queries: { type: 'string', default: '500' } } });
  const result = await runMemoryBench({
    corpusSize: Number(values.size),
    latencyQueries: Number(values.queries),
    progress: (line) => process.stderr.write(line + '\n'),
  });
  process.stdout.write(formatBenchReport(result) + '\n');
  const missed = missedTargets(result);
  if (missed.length) {
    process.stdout.write(`\nTargets missed: ${missed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

void main().catch((err) => {
  process.stderr.write(`memory bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
