import { ErrorCode, LIMITS, queuedMessageSchema, SwitchboardError } from '@switchboard/protocol';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { QueueStore } from './queue.store';
import { SessionStore } from './session.store';

describe.each(TEST_DIALECTS)('QueueStore on %s', (dialect) => {
  let db: TestDatabase;
  let queue: QueueStore;
  let sessionId: string;
  let otherId: string;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    queue = new QueueStore(db.ds.manager);
    const sessions = new SessionStore(db.ds.manager);
    sessionId = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session.id;
    otherId = (await sessions.getOrCreate({ channel: 'web', peerId: 'b' })).session.id;
  });
  afterEach(() => db.close());

  const enqueue = (text: string, id = sessionId, max?: number) =>
    queue.enqueue({ sessionId: id, text, modelConfigId: `model-for-${text}`, modelSource: 'session' }, max);

  it('enqueues FIFO with the model snapshot, in the protocol shape', async () => {
    const first = await enqueue('one');
    const second = await enqueue('two');
    expect(queuedMessageSchema.parse(first)).toEqual(first);
    expect(first).toMatchObject({ sessionId, position: 1, text: 'one', modelConfigId: 'model-for-one', modelSource: 'session' });
    expect(second.position).toBe(2);
    expect(await queue.list(sessionId)).toEqual([first, second]);
  });

  it(`refuses the ${LIMITS.maxQueuePerSession + 1}th message with QUEUE_FULL and stores nothing`, async () => {
    for (let i = 0; i < LIMITS.maxQueuePerSession; i++) await enqueue(`m${i}`);
    const err = await enqueue('overflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect(err).toMatchObject({ code: ErrorCode.QUEUE_FULL, details: { max: LIMITS.maxQueuePerSession } });
    expect(await queue.count(sessionId)).toBe(LIMITS.maxQueuePerSession);
    expect(await enqueue('elsewhere', otherId)).toMatchObject({ position: 1 });
  });

  it('honours a custom max, also when sends race', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => enqueue(`m${i}`, sessionId, 5)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      Array(3).fill(ErrorCode.QUEUE_FULL),
    );
    expect((await queue.list(sessionId)).map((q) => q.position)).toEqual([1, 2, 3, 4, 5]);
  });

  it('throws SESSION_NOT_FOUND when enqueueing to an unknown session', async () => {
    await expect(enqueue('x', 'missing')).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
  });

  it('head is the first in line, or null', async () => {
    expect(await queue.head(sessionId)).toBeNull();
    const one = await enqueue('one');
    await enqueue('two');
    expect(await queue.head(sessionId)).toEqual({ ...one, turnOptions: null });
  });

  it('keeps the turn options a message was queued with (off the wire shape), for its turn', async () => {
    const options = { callSettings: { temperature: 0.9, stopSequences: ['END'] }, maxOutputTokens: 33 };
    const queued = await queue.enqueue({ sessionId, text: 'with options', modelConfigId: 'm', modelSource: 'explicit', turnOptions: options });
    expect(queuedMessageSchema.strict().parse(queued)).toEqual(queued);
    expect(await queue.head(sessionId)).toMatchObject({ id: queued.id, turnOptions: options });
    await queue.remove(sessionId, queued.id);
    await enqueue('plain');
    expect((await queue.head(sessionId))?.turnOptions).toBeNull();
  });

  it('renumbers positions 1..n after removals', async () => {
    const [a, b, c] = [await enqueue('a'), await enqueue('b'), await enqueue('c')];
    expect(await queue.remove(sessionId, a.id)).toEqual(a);
    expect(await queue.list(sessionId)).toEqual([
      { ...b, position: 1 },
      { ...c, position: 2 },
    ]);
    expect((await enqueue('d')).position).toBe(3);
  });

  it('get returns the message with its place in line', async () => {
    await enqueue('a');
    const b = await enqueue('b');
    expect(await queue.get(sessionId, b.id)).toEqual(b);
  });

  it('get, remove and moveToHead throw QUEUED_MESSAGE_NOT_FOUND for an unknown id or another session', async () => {
    const foreign = await enqueue('theirs', otherId);
    for (const call of [
      () => queue.get(sessionId, 'missing'),
      () => queue.get(sessionId, foreign.id),
      () => queue.remove(sessionId, foreign.id),
      () => queue.remove(sessionId, 'missing'),
      () => queue.moveToHead(sessionId, foreign.id),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: ErrorCode.QUEUED_MESSAGE_NOT_FOUND });
    }
    expect(await queue.count(otherId)).toBe(1);
  });

  it('moveToHead puts a message first and keeps the others in order', async () => {
    const [a, b, c, d] = [await enqueue('a'), await enqueue('b'), await enqueue('c'), await enqueue('d')];
    expect(await queue.moveToHead(sessionId, c.id)).toEqual({ ...c, position: 1 });
    expect((await queue.list(sessionId)).map((q) => q.text)).toEqual(['c', 'a', 'b', 'd']);
    await queue.moveToHead(sessionId, d.id);
    expect((await queue.list(sessionId)).map((q) => q.text)).toEqual(['d', 'c', 'a', 'b']);
    expect((await queue.head(sessionId))?.id).toBe(d.id);
    await queue.moveToHead(sessionId, d.id);
    expect((await queue.list(sessionId)).map((q) => q.id)).toEqual([d.id, c.id, a.id, b.id]);
    expect((await enqueue('e')).position).toBe(5);
    expect((await queue.list(sessionId)).map((q) => q.position)).toEqual([1, 2, 3, 4, 5]);
  });

  it('sessionsWithQueue lists sessions with something queued, longest-waiting first', async () => {
    expect(await queue.sessionsWithQueue()).toEqual([]);
    await enqueue('b1', otherId);
    await new Promise((r) => setTimeout(r, 3));
    const a = await enqueue('a1');
    await enqueue('a2');
    expect(await queue.sessionsWithQueue()).toEqual([otherId, sessionId]);
    await queue.remove(otherId, (await queue.head(otherId))!.id);
    await queue.remove(sessionId, a.id);
    expect(await queue.sessionsWithQueue()).toEqual([sessionId]);
  });

  it('countMany counts many queues at once, 0 for an empty one', async () => {
    await enqueue('one');
    await enqueue('two');
    expect(await queue.countMany([sessionId, otherId])).toEqual(new Map([[sessionId, 2], [otherId, 0]]));
    expect(await queue.countMany([])).toEqual(new Map());
  });
});
