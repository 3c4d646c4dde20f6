import { ErrorCode, sessionUsageSchema } from '@switchboard/protocol';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { SessionStore } from './session.store';
import { UsageStore, type RecordUsageInput } from './usage.store';

describe.each(TEST_DIALECTS)('UsageStore on %s', (dialect) => {
  let db: TestDatabase;
  let usage: UsageStore;
  let sessionId: string;
  let otherId: string;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
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
    const rows = await db.query(`SELECT id, turn_id, message_id FROM usage_records`);
    expect(rows).toEqual([{ id: entry.id, turn_id: 't', message_id: 'm' }]);
  });

  it('throws SESSION_NOT_FOUND for an unknown session', async () => {
    await expect(usage.record(call('primary', 'main', 1, 0, 'missing'))).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
  });

  describe('report (across conversations)', () => {
    const all = { from: null, to: null, channel: null, limit: 50 } as const;
    let telegramId: string;
    /** Records a call and dates it. */
    const at = async (when: string, input: RecordUsageInput) => {
      const entry = await usage.record(input);
      await db.query(`UPDATE "usage_records" SET "created_at" = ? WHERE "id" = ?`, [when, entry.id]);
    };

    beforeEach(async () => {
      const sessions = new SessionStore(db.ds.manager);
      telegramId = (await sessions.getOrCreate({ channel: 'telegram', peerId: '42' })).session.id;
      await sessions.update(sessionId, { title: 'Trip plans' });
      await at('2026-11-01T10:00:00.000Z', call('primary', 'main', 10, 0.5));
      await at('2026-11-01T23:59:59.999Z', call('classification', 'quick', 1, 0.01));
      await at('2026-11-02T00:00:00.000Z', call('primary', 'main', 5, 0.25, otherId));
      await at('2026-11-03T12:00:00.000Z', call('primary', 'claude', 100, 2, telegramId));
      await at('2026-11-03T12:00:01.000Z', call('memory_extraction', 'quick', 7, 0.02, telegramId));
    });

    it('is all zeros and empty lists with nothing in range', async () => {
      const zero = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, calls: 0 };
      const r = await usage.report({ ...all, from: '2027-01-01T00:00:00.000Z' });
      expect(r).toEqual({
        from: '2027-01-01T00:00:00.000Z',
        to: null,
        channel: null,
        personId: null,
        total: zero,
        primary: zero,
        delegation: {},
        byModel: {},
        byPerson: {},
        byDay: [],
        sessionCount: 0,
        sessions: [],
      });
    });

    it('totals every conversation: per role, per model, per UTC day, and the same as the sum of the sessions', async () => {
      const r = await usage.report(all);
      expect(r.total).toEqual({ inputTokens: 123, outputTokens: 246, cachedTokens: 369, costUsd: expect.closeTo(2.78, 10), calls: 5 });
      expect(r.primary.calls).toBe(3);
      expect(Object.keys(r.delegation).sort()).toEqual(['classification', 'memory_extraction']);
      expect(r.byModel.quick).toEqual({ inputTokens: 8, outputTokens: 16, cachedTokens: 24, costUsd: expect.closeTo(0.03, 10), calls: 2 });
      expect(r.byDay.map((d) => [d.day, d.total.calls])).toEqual([
        ['2026-11-01', 2],
        ['2026-11-02', 1],
        ['2026-11-03', 2],
      ]);
      expect(r.sessionCount).toBe(3);
      const perSession = await Promise.all([sessionId, otherId, telegramId].map((id) => usage.summary(id)));
      expect(perSession.reduce((n, u) => n + u.total.inputTokens, 0)).toBe(r.total.inputTokens);
      expect(perSession.reduce((n, u) => n + u.total.costUsd, 0)).toBeCloseTo(r.total.costUsd, 10);
    });

    it('lists the most used conversations first, with title, channel and the primary/delegation split, up to the limit', async () => {
      const r = await usage.report(all);
      expect(r.sessions.map((x) => [x.sessionId, x.title, x.channel, x.peerId])).toEqual([
        [telegramId, null, 'telegram', '42'],
        [sessionId, 'Trip plans', 'web', 'a'],
        [otherId, null, 'web', 'b'],
      ]);
      expect(r.sessions[0].primary).toEqual({ inputTokens: 100, outputTokens: 200, cachedTokens: 300, costUsd: 2, calls: 1 });
      expect(r.sessions[0].delegation).toEqual({ inputTokens: 7, outputTokens: 14, cachedTokens: 21, costUsd: 0.02, calls: 1 });
      expect(r.sessions[0].total.calls).toBe(2);
      const limited = await usage.report({ ...all, limit: 1 });
      expect(limited.sessions.map((x) => x.sessionId)).toEqual([telegramId]);
      // The totals still cover every conversation.
      expect(limited.sessionCount).toBe(3);
      expect(limited.total.calls).toBe(5);
    });

    it('keeps from inclusive and to exclusive, and filters by channel', async () => {
      const day1 = await usage.report({ ...all, from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' });
      expect(day1.total.calls).toBe(2);
      expect(day1.byDay.map((d) => d.day)).toEqual(['2026-11-01']);
      const fromSecondDay = await usage.report({ ...all, from: '2026-11-02T00:00:00.000Z' });
      expect(fromSecondDay.total.calls).toBe(3);
      const telegram = await usage.report({ ...all, channel: 'telegram' });
      expect(telegram.total.calls).toBe(2);
      expect(telegram.sessions.map((x) => x.sessionId)).toEqual([telegramId]);
      const webOnDay3 = await usage.report({ ...all, channel: 'web', from: '2026-11-03T00:00:00.000Z' });
      expect(webOnDay3.total.calls).toBe(0);
    });
  });

  it('stores a stateless call (no session) with its channel and person, and counts it in the report but not among conversations', async () => {
    await usage.record(call('primary', 'main', 10, 0.5));
    const entry = await usage.record({ ...call('primary', 'quick', 7, 0.25), sessionId: null, channel: 'api', person: 'alice' });
    expect(entry).toMatchObject({ sessionId: null, channel: 'api', person: 'alice' });
    expect(await db.query(`SELECT session_id, channel, person FROM usage_records WHERE id = ?`, [entry.id])).toEqual([
      { session_id: null, channel: 'api', person: 'alice' },
    ]);

    const all = await usage.report({ from: null, to: null, channel: null, limit: 10 });
    expect(all.total.calls).toBe(2);
    expect(all.byModel.quick).toEqual({ inputTokens: 7, outputTokens: 14, cachedTokens: 21, costUsd: 0.25, calls: 1 });
    expect(all.sessionCount).toBe(1);
    expect(all.sessions.map((x) => x.sessionId)).toEqual([sessionId]);

    const api = await usage.report({ from: null, to: null, channel: 'api', limit: 10 });
    expect(api.total).toEqual({ inputTokens: 7, outputTokens: 14, cachedTokens: 21, costUsd: 0.25, calls: 1 });
    expect(api.byDay).toHaveLength(1);
    expect(api.sessionCount).toBe(0);
    expect(api.sessions).toEqual([]);

    const web = await usage.report({ from: null, to: null, channel: 'web', limit: 10 });
    expect(web.total.calls).toBe(1);
  });
});
