import { ErrorCode } from '@switchboard/protocol';
import { createSessionHarness, type SessionHarness } from '../testing/session-harness';
import { eventually } from '@switchboard/tools/testing';
import { TEST_DIALECTS } from '../testing/test-database';

/** The turn queue through the engine's door: a real database (SQLite, PostgreSQL), the real runner, the fake LLM over HTTP. */
describe.each(TEST_DIALECTS)('TurnQueue on %s', (dialect) => {
  let h: SessionHarness;

  beforeEach(async () => {
    h = await createSessionHarness({ dialect });
    // "slow" keeps a turn running long enough for the next messages to queue behind it.
    h.fake.addRule({ match: 'slow', reply: 'slow answer', firstTokenDelayMs: 400 });
  });
  afterEach(() => h.close());

  it('claims an idle session at once and queues behind a running turn, FIFO, each with its model snapshot', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'q1' });
    const first = await h.engine.send(s.id, { text: 'slow please' });
    expect(first).toMatchObject({ queued: false, turnId: expect.any(String) });
    expect(h.engine.isRunning(s.id)).toBe(true);

    const a = await h.engine.send(s.id, { text: 'second', model: 'quick' });
    const b = await h.engine.send(s.id, { text: 'third' });
    expect(a).toMatchObject({ queued: true, queuedMessage: { position: 1, modelConfigId: 'quick', modelSource: 'explicit' } });
    // The explicit model became the session's override in the same transaction: the next message follows it.
    expect(b).toMatchObject({ queued: true, queuedMessage: { position: 2, modelConfigId: 'quick', modelSource: 'session' } });

    // The queue drains by itself, in order.
    const waited = await h.engine.send(s.id, { text: 'fourth', wait: true });
    expect(waited.reply).toMatchObject({ status: 'complete', content: 'Echo: fourth' });
    const history = await h.engine.listMessages(s.id);
    expect(history.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['slow please', 'second', 'third', 'fourth']);
    expect((await h.engine.listQueue(s.id)).queue).toEqual([]);
    expect(h.engine.isRunning(s.id)).toBe(false);
  });

  it('promotes a queued message to the head, and deleting one releases a caller waiting on it with no reply', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'q2' });
    await h.engine.send(s.id, { text: 'slow one' });
    const a = await h.engine.send(s.id, { text: 'a' });
    const b = await h.engine.send(s.id, { text: 'b' });
    const waiting = h.engine.send(s.id, { text: 'c', wait: true });
    // Its send and the promotion are separate calls: on PostgreSQL they may run in either order.
    await eventually(async () => (await h.engine.listQueue(s.id)).queue.length, (n) => n === 3, 'c to queue');
    const promoted = await h.engine.promote(s.id, b.queuedMessage!.id);
    expect(promoted.queue.map((q) => q.text)).toEqual(['b', 'a', 'c']);

    const c = (await h.engine.listQueue(s.id)).queue.find((q) => q.text === 'c')!;
    await h.engine.deleteQueued(s.id, c.id);
    expect(await waiting).toMatchObject({ queued: true });
    expect((await waiting).reply).toBeUndefined();
    expect(a.queuedMessage).toBeDefined();

    await h.engine.send(s.id, { text: 'last', wait: true });
    const users = (await h.engine.listMessages(s.id)).filter((m) => m.role === 'user').map((m) => m.content);
    expect(users).toEqual(['slow one', 'b', 'a', 'last']);
  });

  it('aborts the running turn keeping its partial reply; abort with nothing running says so', async () => {
    h.fake.prependRule({ match: 'long', reply: 'x'.repeat(400), chunkDelayMs: 20 });
    const s = await h.engine.createSession({ channel: 'api', peerId: 'q3' });
    await h.engine.send(s.id, { text: 'long story' });
    await new Promise((r) => setTimeout(r, 150));
    expect(await h.engine.abort(s.id)).toBe(true);
    const reply = (await h.engine.listMessages(s.id)).find((m) => m.role === 'assistant')!;
    expect(reply.status).toBe('interrupted');
    expect(reply.content.length).toBeGreaterThan(0);
    expect(await h.engine.abort(s.id)).toBe(false);
  });

  it('refuses an invalid explicit model before storing anything', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'q4' });
    await expect(h.engine.send(s.id, { text: 'hi', model: 'nope' })).rejects.toMatchObject({ code: ErrorCode.INVALID_MODEL });
    expect(await h.engine.listMessages(s.id)).toEqual([]);
  });

  it('recovers after a crash: a turn left running is marked interrupted and the queue resumes', async () => {
    const s = await h.engine.createSession({ channel: 'api', peerId: 'q5' });
    // What a crash leaves: the session claimed, a streaming reply, a message queued behind it.
    await h.repo.transaction(async (tx) => {
      await tx.sessions.claim(s.id, 'crashed-turn');
      await tx.messages.append({ sessionId: s.id, turnId: 'crashed-turn', role: 'user', kind: 'text', content: 'before the crash' });
      await tx.messages.append({ sessionId: s.id, turnId: 'crashed-turn', role: 'assistant', kind: 'text', content: 'half', status: 'streaming' });
      await tx.queue.enqueue({ sessionId: s.id, text: 'after the crash', modelConfigId: 'main', modelSource: 'global' });
    });
    await h.engine.stop();
    const engine = await h.restart();
    const done = async () => (await engine.listMessages(s.id)).some((m) => m.role === 'assistant' && m.content === 'Echo: after the crash' && m.status === 'complete');
    for (let i = 0; i < 100 && !(await done()); i++) await new Promise((r) => setTimeout(r, 20));
    const history = await engine.listMessages(s.id);
    expect(history.find((m) => m.content === 'half')).toMatchObject({ status: 'interrupted' });
    expect(history.some((m) => m.kind === 'turn_interrupted')).toBe(true);
    expect(await done()).toBe(true);
  });
});
