import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { MessageStore } from './message.store';
import { QueueStore } from './queue.store';
import { SessionConfigStore } from './session-config.store';
import { SessionStore } from './session.store';
import { UsageStore } from './usage.store';

describe.each(TEST_DIALECTS)('SessionStore on %s', (dialect) => {
  let db: TestDatabase;
  let sessions: SessionStore;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    sessions = new SessionStore(db.ds.manager);
  });
  afterEach(() => db.close());

  async function count(table: string): Promise<number> {
    // PostgreSQL's COUNT is a bigint, read as a string.
    const rows = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "${table}"`);
    return Number(rows[0].n);
  }

  async function withChildren(sessionId: string): Promise<void> {
    await new MessageStore(db.ds.manager).append({ sessionId, role: 'user', kind: 'text', content: 'hi' });
    await new SessionConfigStore(db.ds.manager).set(sessionId, 'model', 'fast');
    await new QueueStore(db.ds.manager).enqueue({ sessionId, text: 'later', modelConfigId: 'fast', modelSource: 'session' });
    await new UsageStore(db.ds.manager).record({
      sessionId,
      role: 'primary',
      modelConfigId: 'fast',
      inputTokens: 1,
      outputTokens: 1,
      cachedTokens: 0,
      costUsd: 0,
    });
  }

  describe('getOrCreate', () => {
    it('creates an idle session at version 1, then returns the same one', async () => {
      const first = await sessions.getOrCreate({ channel: 'telegram', peerId: '42', title: 'Chat', projectId: 'p1', agent: 'support' });
      expect(first.created).toBe(true);
      expect(first.session).toMatchObject({
        channel: 'telegram',
        peerId: '42',
        title: 'Chat',
        projectId: 'p1',
        agent: 'support',
        status: 'idle',
        version: 1,
        lastModelConfigId: null,
        currentTurnId: null,
      });
      expect(first.session.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(first.session.createdAt)).not.toBeNaN();
      const second = await sessions.getOrCreate({ channel: 'telegram', peerId: '42', title: 'Other' });
      expect(second).toEqual({ session: first.session, created: false });
    });

    it('keys sessions by channel and peer', async () => {
      const a = await sessions.getOrCreate({ channel: 'telegram', peerId: '42' });
      const b = await sessions.getOrCreate({ channel: 'web', peerId: '42' });
      expect(a.session.id).not.toBe(b.session.id);
    });

    it('is race-safe: concurrent calls for one peer create exactly one session', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => sessions.getOrCreate({ channel: 'api', peerId: 'k' })));
      expect(new Set(results.map((r) => r.session.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await count('sessions')).toBe(1);
    });
  });

  it('get returns null and require throws SESSION_NOT_FOUND for an unknown id', async () => {
    expect(await sessions.get('missing')).toBeNull();
    const err = await sessions.require('missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect((err as SwitchboardError).code).toBe(ErrorCode.SESSION_NOT_FOUND);
  });

  it('lists newest activity first, filtered by channel and limited', async () => {
    const a = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
    const b = (await sessions.getOrCreate({ channel: 'telegram', peerId: 'b' })).session;
    const c = (await sessions.getOrCreate({ channel: 'web', peerId: 'c' })).session;
    await sessions.update(a.id, { lastActivityAt: '2030-01-01T00:00:00.000Z' });
    await sessions.update(c.id, { lastActivityAt: '2029-01-01T00:00:00.000Z' });
    expect((await sessions.list()).map((s) => s.id)).toEqual([a.id, c.id, b.id]);
    expect((await sessions.list({ channel: 'web' })).map((s) => s.id)).toEqual([a.id, c.id]);
    expect((await sessions.list({ limit: 1 })).map((s) => s.id)).toEqual([a.id]);
  });

  describe('update', () => {
    it('applies the patch and always bumps version and updated_at', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      await new Promise((r) => setTimeout(r, 5));
      const updated = await sessions.update(s.id, { title: 'T', lastModelConfigId: 'fast' });
      expect(updated).toMatchObject({ title: 'T', lastModelConfigId: 'fast', version: 2, createdAt: s.createdAt });
      expect(updated.updatedAt > s.updatedAt).toBe(true);
      const bumped = await sessions.update(s.id, {});
      expect(bumped).toMatchObject({ title: 'T', version: 3 });
      expect(await sessions.get(s.id)).toEqual(bumped);
    });

    it('clears a field with null but leaves undefined ones alone', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a', title: 'T', projectId: 'p' })).session;
      const updated = await sessions.update(s.id, { title: null, projectId: undefined });
      expect(updated).toMatchObject({ title: null, projectId: 'p' });
    });

    it('throws SESSION_NOT_FOUND for an unknown session', async () => {
      await expect(sessions.update('missing', { title: 'x' })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
    });

    it('bumpVersion increments the version only', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a', title: 'T' })).session;
      expect(await sessions.bumpVersion(s.id)).toMatchObject({ version: 2, title: 'T', status: 'idle' });
    });
  });

  describe('claim and release', () => {
    it('claims an idle session for a turn, and refuses a second claim while it runs', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      const claimed = await sessions.claim(s.id, 'turn-1');
      expect(claimed).toMatchObject({ status: 'running', currentTurnId: 'turn-1', version: 2 });
      expect(await sessions.claim(s.id, 'turn-2')).toBeNull();
      expect(await sessions.get(s.id)).toMatchObject({ currentTurnId: 'turn-1', version: 2 });
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => sessions.claim(s.id, `turn-${i}`)));
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(await sessions.get(s.id)).toMatchObject({ status: 'running', currentTurnId: winners[0]!.currentTurnId, version: 2 });
    });

    it('with whenQueueEmpty, refuses while messages wait in the queue and claims once it is empty', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      const queue = new QueueStore(db.ds.manager);
      const waiting = await queue.enqueue({ sessionId: s.id, text: 'first in line', modelConfigId: 'main', modelSource: 'session' });
      expect(await sessions.claim(s.id, 'turn-1', { whenQueueEmpty: true })).toBeNull();
      expect(await sessions.get(s.id)).toMatchObject({ status: 'idle', version: s.version });
      await queue.remove(s.id, waiting.id);
      expect(await sessions.claim(s.id, 'turn-1', { whenQueueEmpty: true })).toMatchObject({ status: 'running', currentTurnId: 'turn-1' });
    });

    it('claims an interrupted session', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      await sessions.update(s.id, { status: 'interrupted' });
      expect(await sessions.claim(s.id, 't')).toMatchObject({ status: 'running' });
    });

    it('returns null when claiming an unknown session', async () => {
      expect(await sessions.claim('missing', 't')).toBeNull();
    });

    it('releases the turn: status set, current turn cleared, version bumped, claimable again', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      await sessions.claim(s.id, 'turn-1');
      expect(await sessions.release(s.id, 'idle')).toMatchObject({ status: 'idle', currentTurnId: null, version: 3 });
      expect(await sessions.claim(s.id, 'turn-2')).toMatchObject({ currentTurnId: 'turn-2' });
      expect(await sessions.release(s.id, 'interrupted')).toMatchObject({ status: 'interrupted', currentTurnId: null });
    });

    it('with a turn id, a stale turn cannot release a newer claim', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      await sessions.claim(s.id, 'turn-2');
      expect(await sessions.release(s.id, 'idle', { turnId: 'turn-1' })).toMatchObject({ status: 'running', currentTurnId: 'turn-2', version: 2 });
      expect(await sessions.release(s.id, 'idle', { turnId: 'turn-2' })).toMatchObject({ status: 'idle', currentTurnId: null });
    });

    it('release throws SESSION_NOT_FOUND for an unknown session', async () => {
      await expect(sessions.release('missing', 'idle')).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
    });
  });

  it('markRunningInterrupted turns every running session into an interrupted one', async () => {
    const a = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
    const b = (await sessions.getOrCreate({ channel: 'web', peerId: 'b' })).session;
    const c = (await sessions.getOrCreate({ channel: 'web', peerId: 'c' })).session;
    await sessions.claim(a.id, 't1');
    await sessions.claim(c.id, 't3');
    const ids = await sessions.markRunningInterrupted();
    expect(ids.sort()).toEqual([a.id, c.id].sort());
    expect(await sessions.get(a.id)).toMatchObject({ status: 'interrupted', currentTurnId: null, version: 3 });
    expect(await sessions.get(b.id)).toMatchObject({ status: 'idle', version: 1 });
    expect(await sessions.markRunningInterrupted()).toEqual([]);
  });

  it('delete removes the session and everything it owns', async () => {
    const a = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
    const b = (await sessions.getOrCreate({ channel: 'web', peerId: 'b' })).session;
    await withChildren(a.id);
    await withChildren(b.id);
    expect(await sessions.delete(a.id)).toBe(true);
    expect(await sessions.get(a.id)).toBeNull();
    for (const table of ['messages', 'session_config', 'queued_messages', 'usage_records']) expect(await count(table)).toBe(1);
    expect(await sessions.delete(a.id)).toBe(false);
  });

  describe('staleIds', () => {
    it('lists sessions idle since before the cutoff, oldest first, never running ones', async () => {
      const old = (await sessions.getOrCreate({ channel: 'web', peerId: 'old' })).session;
      const older = (await sessions.getOrCreate({ channel: 'web', peerId: 'older' })).session;
      const oldRunning = (await sessions.getOrCreate({ channel: 'web', peerId: 'old-running' })).session;
      await sessions.getOrCreate({ channel: 'web', peerId: 'fresh' });
      await sessions.update(old.id, { lastActivityAt: '2020-01-02T00:00:00.000Z' });
      await sessions.update(older.id, { lastActivityAt: '2020-01-01T00:00:00.000Z' });
      await sessions.claim(oldRunning.id, 't');
      await sessions.update(oldRunning.id, { lastActivityAt: '2020-01-01T00:00:00.000Z' });

      expect(await sessions.staleIds(new Date('2021-01-01T00:00:00.000Z'))).toEqual([older.id, old.id]);
      expect(await sessions.staleIds('2021-01-01T00:00:00.000Z', { limit: 1 })).toEqual([older.id]);
    });

    it('filters by channel and peer-id prefix', async () => {
      const job = (await sessions.getOrCreate({ channel: 'job', peerId: 'digest' })).session;
      const ephemeral = (await sessions.getOrCreate({ channel: 'api', peerId: 'ephemeral-1' })).session;
      const integrator = (await sessions.getOrCreate({ channel: 'api', peerId: 'crm-42' })).session;
      for (const s of [job, ephemeral, integrator]) await sessions.update(s.id, { lastActivityAt: '2020-01-01T00:00:00.000Z' });
      expect(await sessions.staleIds('2021-01-01T00:00:00.000Z', { channels: ['job'] })).toEqual([job.id]);
      expect(await sessions.staleIds('2021-01-01T00:00:00.000Z', { channels: ['api'], peerPrefix: 'ephemeral-' })).toEqual([ephemeral.id]);
      expect(await sessions.staleIds('2021-01-01T00:00:00.000Z', { channels: [] })).toEqual([]);
    });

    it('accepts an ISO string and rejects a date that is not one', async () => {
      const s = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session;
      expect(await sessions.staleIds('2000-01-01T00:00:00Z')).toEqual([]);
      expect(await sessions.staleIds(new Date(Date.now() + 60_000).toISOString())).toEqual([s.id]);
      await expect(sessions.staleIds('yesterday-ish')).rejects.toThrow(RangeError);
    });
  });
});
