import { loadConfig, ModelCatalog } from '@switchboard/models';
import { createTransactionRunner } from '@switchboard/persistence';
import { silentLogger, type ModelStreamer } from '../engine/engine.types';
import { SessionRepository } from '../store/session-repository';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { Delegator } from './delegator';

/** The one way side work calls a model: the role's model, the depth guard, usage under the role. */
describe.each(TEST_DIALECTS)('Delegator on %s', (dialect) => {
  let db: TestDatabase;
  let repo: SessionRepository;
  let sessionId: string;
  const generated: string[] = [];
  const streamer: ModelStreamer = {
    stream: () => Promise.reject(new Error('not used')),
    async generate(req) {
      generated.push(req.modelConfigId);
      return { text: 'done', usage: { inputTokens: 7, outputTokens: 3, cachedTokens: 0 }, costUsd: 0.01, finishReason: 'stop', aborted: false, usageEstimated: false, parts: [], steps: 1 };
    },
  };
  // No provider configured: the offline demo model is the only model, for every role.
  const config = loadConfig({ env: {} });
  const catalog = new ModelCatalog(config);

  beforeAll(async () => {
    db = await openTestDatabase({ dialect });
    repo = new SessionRepository(db.ds, createTransactionRunner(db.ds));
    sessionId = (await repo.sessions.getOrCreate({ channel: 'api', peerId: 'd1' })).session.id;
  });
  afterAll(() => db.close());

  it('returns null for the offline demo model unless the caller accepts it, then records usage under the role', async () => {
    const delegator = new Delegator({ streamer, catalog, repo, limits: config.limits, log: silentLogger });
    expect(delegator.modelFor('compaction').usable).toBe(false);
    expect(await delegator.run('compaction', { sessionId, system: 's', messages: [{ role: 'user', content: 'x' }] })).toBeNull();
    expect(generated).toEqual([]);
    const r = await delegator.run('memory_extraction', { sessionId, system: 's', messages: [{ role: 'user', content: 'x' }], offlineOk: true });
    expect(r).toEqual({ text: 'done', modelConfigId: catalog.forDelegation('memory_extraction').id });
    expect((await repo.usage.summary(sessionId)).delegation.memory_extraction).toMatchObject({ calls: 1, inputTokens: 7, outputTokens: 3 });
  });

  it('refuses a call deeper than the limit', async () => {
    const delegator = new Delegator({ streamer, catalog, repo, limits: config.limits, log: silentLogger });
    const before = generated.length;
    const deep = config.limits.maxDelegationDepth + 1;
    expect(await delegator.run('memory_extraction', { sessionId, system: 's', messages: [], depth: deep, offlineOk: true })).toBeNull();
    expect(generated.length).toBe(before);
  });
});
