import { openMemoryTestDb, type MemoryTestDb } from '../testing/memory-test-db';
import { MemoryService, type MemoryDelegate } from './memory.service';

/** Extraction through the app's delegator: the delegator picks the model and records the usage, not memory. */
describe('MemoryService with a delegate', () => {
  let db: MemoryTestDb;
  let svc: MemoryService;

  beforeEach(async () => {
    db = await openMemoryTestDb();
  });
  afterEach(async () => {
    await svc?.close();
    await db.close();
  });

  function delegate(reply: string | null) {
    const calls: Array<{ role: string; sessionId: string; offlineOk?: boolean; user: string }> = [];
    const d: MemoryDelegate = {
      async run(role, req) {
        calls.push({ role, sessionId: req.sessionId, offlineOk: req.offlineOk, user: req.messages.at(-1)!.content });
        return reply === null ? null : { text: reply, modelConfigId: 'quick-fallback' };
      },
    };
    return { d, calls };
  }

  const turn = async (userText: string) => {
    const ctx = { sessionId: 's1', turnId: 't1', projectId: null, userText, userMessageId: 'm1' };
    await svc.prepareTurn(ctx);
    await svc.turnCompleted({ ...ctx, reply: { content: 'OK.' } });
    await svc.flush('s1');
  };

  it('runs extraction as the memory_extraction role (offline model allowed) and never records usage itself', async () => {
    const { d, calls } = delegate(JSON.stringify({ memories: [{ content: 'User lives in Lisbon', scope: 'global', confidence: 0.9 }] }));
    const recordUsage = jest.fn();
    // A plain model is ignored when a delegate is given: one way to call a model.
    const generate = jest.fn();
    svc = new MemoryService({ store: db.store, settings: db.settings, delegate: d, model: { generate }, extractionModelId: () => 'x', recordUsage, debounceMs: 10_000 });
    await turn('By the way, I live in Lisbon.');
    expect(calls).toEqual([{ role: 'memory_extraction', sessionId: 's1', offlineOk: true, user: expect.stringContaining('I live in Lisbon') }]);
    expect((await svc.list({})).map((m) => m.content)).toEqual(['User lives in Lisbon']);
    expect(recordUsage).not.toHaveBeenCalled();
    expect(generate).not.toHaveBeenCalled();
    expect(svc.metrics().extraction).toMatchObject({ runs: 1, failures: 0 });
  });

  it('extracts nothing when the delegate has no model for the role', async () => {
    const { d, calls } = delegate(null);
    svc = new MemoryService({ store: db.store, settings: db.settings, delegate: d, debounceMs: 10_000 });
    await turn('By the way, I live in Lisbon.');
    expect(calls).toHaveLength(1);
    expect(await svc.list({})).toEqual([]);
    expect(svc.metrics().extraction).toMatchObject({ failures: 0, emptyResponses: 0 });
  });
});
