import { createTransactionRunner } from '@switchboard/persistence';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { MessageStore } from './message.store';
import { QueueStore } from './queue.store';
import { SessionStore } from './session.store';
import { TurnLeaseStore } from './turn-lease.store';

describe.each(TEST_DIALECTS)('TurnLeaseStore on %s', (dialect) => {
  let db: TestDatabase;
  let leases: TurnLeaseStore;
  let sessions: SessionStore;
  let a: string;
  let b: string;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    leases = new TurnLeaseStore(db.ds.manager);
    sessions = new SessionStore(db.ds.manager);
    a = (await sessions.getOrCreate({ channel: 'api', peerId: 'a' })).session.id;
    b = (await sessions.getOrCreate({ channel: 'api', peerId: 'b' })).session.id;
  });
  afterEach(() => db.close());

  const at = (minute: number) => `2026-12-07T05:${String(minute).padStart(2, '0')}:00.000Z`;

  it('takes a lease, re-takes it for the next turn, and releases only the turn that holds it', async () => {
    await leases.take({ sessionId: a, turnId: 't1', owner: 'r1', expiresAt: at(1) });
    expect(await leases.holds(a, 't1')).toBe(true);
    await leases.take({ sessionId: a, turnId: 't2', owner: 'r2', expiresAt: at(2) });
    expect(await leases.get(a)).toEqual({ sessionId: a, turnId: 't2', owner: 'r2', expiresAt: at(2) });
    expect(await leases.holds(a, 't1')).toBe(false);
    expect(await leases.release(a, 't1')).toBe(false);
    expect(await leases.holds(a, 't2')).toBe(true);
    expect(await leases.release(a, 't2')).toBe(true);
    expect(await leases.get(a)).toBeNull();
  });

  it("renews only the owner's leases and says which sessions it still holds", async () => {
    await leases.take({ sessionId: a, turnId: 't1', owner: 'r1', expiresAt: at(1) });
    await leases.take({ sessionId: b, turnId: 't2', owner: 'r2', expiresAt: at(1) });
    expect(await leases.renew('r1', at(9))).toEqual([a]);
    expect((await leases.get(a))?.expiresAt).toBe(at(9));
    expect((await leases.get(b))?.expiresAt).toBe(at(1));
    expect(await leases.renew('nobody', at(9))).toEqual([]);
  });

  it("lists lapsed leases oldest first, and a restarted replica's own", async () => {
    await leases.take({ sessionId: a, turnId: 't1', owner: 'r1', expiresAt: at(5) });
    await leases.take({ sessionId: b, turnId: 't2', owner: 'r2', expiresAt: at(3) });
    expect((await leases.lapsed(at(4))).map((l) => l.sessionId)).toEqual([b]);
    expect((await leases.lapsed(at(6))).map((l) => l.sessionId)).toEqual([b, a]);
    expect((await leases.lapsed(at(0), 'r1')).map((l) => l.turnId)).toEqual(['t1']);
  });

  it("interrupts a session's streaming messages only, and finds running sessions without a lease", async () => {
    const messages = new MessageStore(db.ds.manager);
    const live = await messages.append({ sessionId: a, role: 'assistant', kind: 'text', content: 'half', status: 'streaming' });
    const other = await messages.append({ sessionId: b, role: 'assistant', kind: 'text', content: 'other', status: 'streaming' });
    expect((await messages.markStreamingInterrupted(a)).map((m) => m.id)).toEqual([live.id]);
    expect((await messages.get(live.id))?.status).toBe('interrupted');
    expect((await messages.get(other.id))?.status).toBe('streaming');

    await sessions.claim(a, 't1');
    await sessions.claim(b, 't2');
    await leases.take({ sessionId: a, turnId: 't1', owner: 'r1', expiresAt: at(1) });
    expect(await leases.runningWithoutLease()).toEqual([b]);
  });

  it('lockSession orders read-then-write transactions on one session (a no-op on SQLite, whose one lock already does)', async () => {
    const runner = createTransactionRunner(db.ds);
    // Each looks at the queue and enqueues only while it is empty: under the lock exactly one does.
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        runner.run(async (m) => {
          await new TurnLeaseStore(m).lockSession(a);
          const queue = new QueueStore(m);
          if ((await queue.count(a)) > 0) return false;
          await new Promise((r) => setTimeout(r, 10));
          await queue.enqueue({ sessionId: a, text: `m${i}`, modelConfigId: 'main', modelSource: 'session' });
          return true;
        }),
      ),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });
});
