import { ErrorCode } from '@switchboard/protocol';
import { createTransactionRunner } from '@switchboard/persistence';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { clearSession } from './clear-session';
import { SESSION_MODEL_KEY } from './session-config.store';
import { SessionRepository } from './session-repository';

describe.each(TEST_DIALECTS)('SessionRepository on %s', (dialect) => {
  let db: TestDatabase;
  let repo: SessionRepository;
  let sessionId: string;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    repo = new SessionRepository(db.ds, createTransactionRunner(db.ds));
    sessionId = (await repo.sessions.getOrCreate({ channel: 'telegram', peerId: '7' })).session.id;
  });
  afterEach(() => db.close());

  async function seed(): Promise<void> {
    await repo.messages.append({ sessionId, role: 'user', kind: 'text', content: 'hi' });
    await repo.messages.append({ sessionId, role: 'assistant', kind: 'text', content: 'hello' });
    await repo.config.set(sessionId, SESSION_MODEL_KEY, 'fast');
    await repo.queue.enqueue({ sessionId, text: 'waiting', modelConfigId: 'fast', modelSource: 'session' });
    await repo.usage.record({ sessionId, role: 'primary', modelConfigId: 'fast', inputTokens: 1, outputTokens: 2, cachedTokens: 0, costUsd: 0.1 });
  }

  it('commits every store write of a transaction together', async () => {
    await repo.transaction(async (tx) => {
      await tx.config.set(sessionId, SESSION_MODEL_KEY, 'fast');
      await tx.messages.append({ sessionId, role: 'user', kind: 'text', content: 'hi' });
      await tx.sessions.update(sessionId, { lastModelConfigId: 'fast' });
    });
    expect(await repo.config.get(sessionId, SESSION_MODEL_KEY)).toBe('fast');
    expect(await repo.messages.count(sessionId)).toBe(1);
    expect(await repo.sessions.get(sessionId)).toMatchObject({ lastModelConfigId: 'fast', version: 2 });
  });

  it('rolls back every store write when the transaction throws', async () => {
    await expect(
      repo.transaction(async (tx) => {
        await tx.config.set(sessionId, SESSION_MODEL_KEY, 'fast');
        await tx.messages.append({ sessionId, role: 'user', kind: 'text', content: 'hi' });
        await tx.sessions.claim(sessionId, 'turn');
        await tx.queue.enqueue({ sessionId, text: 'x', modelConfigId: 'fast', modelSource: 'explicit' }, 0);
      }),
    ).rejects.toMatchObject({ code: ErrorCode.QUEUE_FULL });
    expect(await repo.config.get(sessionId, SESSION_MODEL_KEY)).toBeNull();
    expect(await repo.messages.count(sessionId)).toBe(0);
    expect(await repo.sessions.get(sessionId)).toMatchObject({ status: 'idle', version: 1 });
  });

  it('lets one of many concurrent senders run a turn and queues the rest', async () => {
    // The engine's pattern: look at the queue, claim if empty, otherwise enqueue.
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        repo.transaction(async (tx) => {
          const waiting = await tx.queue.count(sessionId);
          const claimed = waiting === 0 ? await tx.sessions.claim(sessionId, `turn-${i}`) : null;
          if (claimed) return 'ran';
          await tx.queue.enqueue({ sessionId, text: `m${i}`, modelConfigId: 'fast', modelSource: 'session' });
          return 'queued';
        }),
      ),
    );
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    expect(await repo.queue.count(sessionId)).toBe(5);
  });

  describe('clearSession', () => {
    it('removes history and overrides, bumps the version, keeps the row, queue and usage', async () => {
      await seed();
      const before = await repo.sessions.require(sessionId);
      const cleared = await repo.clearSession(sessionId);
      expect(cleared).toMatchObject({ id: sessionId, version: before.version + 1, channel: 'telegram', peerId: '7' });
      expect(await repo.messages.count(sessionId)).toBe(0);
      expect(await repo.config.getAll(sessionId)).toEqual({});
      expect(await repo.queue.count(sessionId)).toBe(1);
      expect((await repo.usage.summary(sessionId)).total.calls).toBe(1);
    });

    it('leaves other sessions alone', async () => {
      const other = (await repo.sessions.getOrCreate({ channel: 'telegram', peerId: '8' })).session.id;
      await repo.messages.append({ sessionId: other, role: 'user', kind: 'text', content: 'keep me' });
      await repo.config.set(other, SESSION_MODEL_KEY, 'local');
      await seed();
      await repo.clearSession(sessionId);
      expect(await repo.messages.count(other)).toBe(1);
      expect(await repo.config.get(other, SESSION_MODEL_KEY)).toBe('local');
    });

    it('throws SESSION_NOT_FOUND for an unknown session', async () => {
      await expect(repo.clearSession('missing')).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
    });

    it('runs in one transaction: a failure inside an outer transaction undoes the whole reset', async () => {
      await seed();
      await expect(
        repo.transaction(async (tx) => {
          await tx.clearSession(sessionId);
          throw new Error('later step failed');
        }),
      ).rejects.toThrow('later step failed');
      expect(await repo.messages.count(sessionId)).toBe(2);
      expect(await repo.config.get(sessionId, SESSION_MODEL_KEY)).toBe('fast');
      expect((await repo.sessions.require(sessionId)).version).toBe(1);
    });

    it('works as a plain function over any manager', async () => {
      await seed();
      await clearSession(db.ds.manager, sessionId);
      expect(await repo.messages.count(sessionId)).toBe(0);
      expect(await repo.config.getAll(sessionId)).toEqual({});
    });
  });
});
