import { testPostgresUrl } from '@switchboard/persistence/testing';
import { formatBenchReport, missedTargets, runMemoryBench } from './memory-bench';
import { FIXTURE_CONVERSATIONS, FIXTURE_QUERIES } from './memory-fixtures';

describe('memory bench (small store)', () => {
  it.each(['sqlite', 'postgres'] as const)('meets the quality targets on the labelled fixtures (%s)', async (database) => {
    const postgresUrl = database === 'postgres' ? (testPostgresUrl() ?? undefined) : undefined;
    if (database === 'postgres') expect(postgresUrl).toBeDefined();
    const result = await runMemoryBench({ corpusSize: 5000, latencyQueries: 50, postgresUrl });
    expect(result.database).toBe(database);
    expect({ missed: missedTargets(result, { latency: false }), report: formatBenchReport(result) }).toMatchObject({ missed: [] });
    expect(result.recallAt10).toBeGreaterThanOrEqual(result.recallAt5);
    expect(result.duplicatesOnReplay).toBe(0);
    expect(result.crossScopeLeaks).toBe(0);
    expect(result.secretsStored).toBe(0);
  }, 180_000);

  it('ships a fixture set of the promised size and shape', () => {
    expect(FIXTURE_CONVERSATIONS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(FIXTURE_CONVERSATIONS.map((c) => c.project))).toEqual(new Set([null, 'alpha', 'beta']));
    expect(FIXTURE_CONVERSATIONS.flatMap((c) => c.secrets ?? []).length).toBeGreaterThanOrEqual(4);
    expect(FIXTURE_CONVERSATIONS.some((c) => c.candidates.some((x) => x.expect.startsWith('superseded')))).toBe(true);
    expect(FIXTURE_QUERIES.length).toBeGreaterThanOrEqual(20);
  });
});
