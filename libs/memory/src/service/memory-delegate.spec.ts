import type { TurnSpeaker } from '@switchboard/models';
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
    const calls: Array<{ role: string; sessionId: string; personId?: string | null; offlineOk?: boolean; user: string }> = [];
    const d: MemoryDelegate = {
      async run(role, req) {
        calls.push({ role, sessionId: req.sessionId, personId: req.personId, offlineOk: req.offlineOk, user: req.messages.at(-1)!.content });
        return reply === null ? null : { text: reply, modelConfigId: 'quick-fallback' };
      },
    };
    return { d, calls };
  }

  const turn = async (userText: string, speaker: TurnSpeaker = { personId: 'owner', role: 'owner' }) => {
    const ctx = { sessionId: 's1', turnId: 't1', projectId: null, speaker, userText, userMessageId: 'm1' };
    await svc.prepareTurn(ctx);
    await svc.turnCompleted({ ...ctx, reply: { content: 'OK.' } });
    await svc.flush('s1');
  };

  it('runs extraction as the memory_extraction role for the speaker (offline model allowed) and never records usage itself', async () => {
    const { d, calls } = delegate(JSON.stringify({ memories: [{ content: 'User lives in Lisbon', scope: 'global', confidence: 0.9 }] }));
    const recordUsage = jest.fn();
    // A plain model is ignored when a delegate is given: one way to call a model.
    const generate = jest.fn();
    svc = new MemoryService({ store: db.store, settings: db.settings, delegate: d, model: { generate }, extractionModelId: () => 'x', recordUsage, debounceMs: 10_000 });
    await turn('By the way, I live in Lisbon.');
    // The delegator attributes the call's usage to the person who caused it.
    expect(calls).toEqual([{ role: 'memory_extraction', sessionId: 's1', personId: 'owner', offlineOk: true, user: expect.stringContaining('I live in Lisbon') }]);
    expect((await svc.list({})).map((m) => m.content)).toEqual(['User lives in Lisbon']);
    expect(recordUsage).not.toHaveBeenCalled();
    expect(generate).not.toHaveBeenCalled();
    expect(svc.metrics().extraction).toMatchObject({ runs: 1, failures: 0 });
  });

  it('attributes a member\'s extraction to the member', async () => {
    const { d, calls } = delegate(JSON.stringify({ memories: [{ content: 'User has a cat named Tom', scope: 'global', confidence: 0.9 }] }));
    svc = new MemoryService({ store: db.store, settings: db.settings, delegate: d, debounceMs: 10_000 });
    await turn('I have a cat named Tom.', { personId: 'p-alice', role: 'member' });
    expect(calls.map((c) => c.personId)).toEqual(['p-alice']);
    expect(await svc.list({})).toMatchObject([{ content: 'User has a cat named Tom', scope: 'person', personId: 'p-alice' }]);
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
