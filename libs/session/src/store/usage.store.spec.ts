import { ErrorCode, sessionUsageSchema } from '@switchboard/protocol';
import { openTestDatabase, type TestDatabase } from '../testing/test-database';
import { SessionStore } from './session.store';
import { UsageStore, type RecordUsageInput } from './usage.store';

describe('UsageStore', () => {
  let db: TestDatabase;
  let usage: UsageStore;
  let sessionId: string;
  let otherId: string;

  beforeEach(async () => {
    db = await openTestDatabase();
    usage = new UsageStore(db.ds.manager);
    const sessions = new SessionStore(db.ds.manager);
    sessionId = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session.id;
    otherId = (await sessions.getOrCreate({ channel: 'web', peerId: 'b' })).session.id;
  });
  afterEach(() => db.close());

  const call = (role: string, modelConfigId: string, n: number, costUsd: number, id = sessionId): RecordUsageInput => ({
    sessionId: id,
    role,
    modelConfigId,
    inputTokens: n,
    outputTokens: n * 2,
    cachedTokens: n * 3,
    costUsd,
  });

  it('summarises an empty session as zeros', async () => {
    const zero = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, calls: 0 };
    expect(await usage.summary(sessionId)).toEqual({ sessionId, primary: zero, delegation: {}, total: zero, byModel: {} });
  });

  it('rolls up primary, per delegation role, per model and total, with call counts', async () => {
    await usage.record({ ...call('primary', 'main', 10, 0.5), turnId: 't1', messageId: 'm1' });
    await usage.record(call('primary', 'claude', 20, 1.5));
    await usage.record(call('primary', 'main', 1, 0.25));
    await usage.record(call('compaction', 'quick', 100, 0.01));
    await usage.record(call('compaction', 'quick', 50, 0.02));
    await usage.record(call('memory_extraction', 'quick', 5, 0.005));
    await usage.record(call('primary', 'main', 999, 99, otherId));

    const summary = await usage.summary(sessionId);
    expect(sessionUsageSchema.parse(summary)).toEqual(summary);
    expect(summary.primary).toEqual({ inputTokens: 31, outputTokens: 62, cachedTokens: 93, costUsd: 2.25, calls: 3 });
    expect(summary.delegation).toEqual({
      compaction: { inputTokens: 150, outputTokens: 300, cachedTokens: 450, costUsd: expect.closeTo(0.03, 10), calls: 2 },
      memory_extraction: { inputTokens: 5, outputTokens: 10, cachedTokens: 15, costUsd: 0.005, calls: 1 },
    });
    expect(summary.byModel).toEqual({
      main: { inputTokens: 11, outputTokens: 22, cachedTokens: 33, costUsd: 0.75, calls: 2 },
      claude: { inputTokens: 20, outputTokens: 40, cachedTokens: 60, costUsd: 1.5, calls: 1 },
      quick: { inputTokens: 155, outputTokens: 310, cachedTokens: 465, costUsd: expect.closeTo(0.035, 10), calls: 3 },
    });
    expect(summary.total).toEqual({ inputTokens: 186, outputTokens: 372, cachedTokens: 558, costUsd: expect.closeTo(2.285, 10), calls: 6 });
  });

  it('returns what it stored', async () => {
    const entry = await usage.record({ ...call('primary', 'main', 1, 0.1), turnId: 't', messageId: 'm' });
    expect(entry).toMatchObject({ sessionId, turnId: 't', messageId: 'm', role: 'primary', modelConfigId: 'main', inputTokens: 1 });
    const rows = await db.ds.query(`SELECT id, turn_id, message_id FROM usage_records`);
    expect(rows).toEqual([{ id: entry.id, turn_id: 't', message_id: 'm' }]);
  });

  it('throws SESSION_NOT_FOUND for an unknown session', async () => {
    await expect(usage.record(call('primary', 'main', 1, 0, 'missing'))).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
  });
});
