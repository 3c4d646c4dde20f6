import type { EventFrame, ResponseFrame, ServerEvent } from '@switchboard/protocol';
import { backoffDelay, LiveUpdates, type LiveSocket, type Timers } from './live-updates';

class FakeSocket implements LiveSocket {
  anyHandlers = new Set<(f: ResponseFrame | EventFrame) => void>();
  closeHandlers = new Set<(code: number) => void>();
  subscribed = 0;
  closed = false;
  failSubscribe = false;
  onAny(h: (f: ResponseFrame | EventFrame) => void) {
    this.anyHandlers.add(h);
    return () => this.anyHandlers.delete(h);
  }
  onClose(h: (code: number) => void) {
    this.closeHandlers.add(h);
    return () => this.closeHandlers.delete(h);
  }
  async subscribe() {
    if (this.failSubscribe) throw new Error('subscribe failed');
    this.subscribed++;
    return { subscriptionId: 'sub_1' };
  }
  close() {
    this.closed = true;
  }
  push(event: string, payload: unknown, seq = 1) {
    for (const h of this.anyHandlers) h({ event, payload, seq });
  }
  drop() {
    for (const h of [...this.closeHandlers]) h(1006);
  }
}

class FakeTimers implements Timers {
  queue: Array<{ fn: () => void; ms: number; id: number }> = [];
  private next = 1;
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.queue.push({ fn, ms, id });
    return id;
  }
  clearTimeout(id: unknown) {
    this.queue = this.queue.filter((t) => t.id !== id);
  }
  runNext(): number {
    const t = this.queue.shift();
    if (!t) throw new Error('no timer pending');
    t.fn();
    return t.ms;
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(connects: Array<FakeSocket | Error>) {
  const timers = new FakeTimers();
  const events: ServerEvent[] = [];
  const resyncs: Array<{ reconnect: boolean }> = [];
  const errors: number[] = [];
  let now = 1000;
  const sockets = [...connects];
  const live = new LiveUpdates({
    connect: async () => {
      const next = sockets.shift();
      if (!next) throw new Error('no more sockets');
      if (next instanceof Error) throw next;
      return next;
    },
    onEvent: (e) => events.push(e),
    onResync: (info) => resyncs.push(info),
    onConnectError: (attempt) => errors.push(attempt),
    timers,
    random: () => 0.5,
    now: () => (now += 10),
  });
  return { live, timers, events, resyncs, errors };
}

describe('backoffDelay', () => {
  it('grows exponentially, is capped, and is jittered around the base', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, {}, mid))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
    expect(backoffDelay(0, {}, () => 0)).toBe(400);
    expect(backoffDelay(0, {}, () => 1)).toBe(600);
  });
});

describe('LiveUpdates', () => {
  it('subscribes to every session once connected, forwards events, and resyncs', async () => {
    const s = new FakeSocket();
    const { live, events, resyncs } = setup([s]);
    const statuses: string[] = [];
    live.subscribeStatus(() => statuses.push(live.getStatus()));
    live.start();
    await flush();
    expect(s.subscribed).toBe(1);
    expect(live.getStatus()).toBe('live');
    expect(statuses).toEqual(['connecting', 'live']);
    expect(resyncs).toEqual([{ subscribedAt: expect.any(Number), reconnect: false }]);
    s.push('queue.updated', { sessionId: 's', version: 2, queue: [] });
    s.push('tool.started', { sessionId: 's' });
    for (const h of s.anyHandlers) h({ id: 1, ok: true, result: {} });
    expect(events.map((e) => e.event)).toEqual(['queue.updated', 'tool.started']);
  });

  it('reconnects with growing back-off after failures, then resyncs as a reconnect', async () => {
    const first = new FakeSocket();
    const second = new FakeSocket();
    const { live, timers, resyncs, errors } = setup([first, new Error('refused'), new Error('refused'), second]);
    live.start();
    await flush();
    first.drop();
    expect(live.getStatus()).toBe('reconnecting');
    expect(first.closed).toBe(true);
    expect(timers.runNext()).toBe(500);
    await flush();
    expect(timers.runNext()).toBe(1000);
    await flush();
    expect(timers.runNext()).toBe(2000);
    await flush();
    expect(live.getStatus()).toBe('live');
    expect(errors).toEqual([0, 1, 2]);
    expect(resyncs.map((r) => r.reconnect)).toEqual([false, true]);
    // A later drop starts from the shortest delay again.
    second.drop();
    expect(timers.queue[0].ms).toBe(500);
  });

  it('stops listening to a dropped socket (no events from a dead connection)', async () => {
    const first = new FakeSocket();
    const { live, events } = setup([first, new FakeSocket()]);
    live.start();
    await flush();
    first.drop();
    first.push('queue.updated', { sessionId: 's', version: 9, queue: [] });
    expect(events).toEqual([]);
    live.stop();
  });

  it('treats a failed subscription like a failed connection', async () => {
    const bad = new FakeSocket();
    bad.failSubscribe = true;
    const good = new FakeSocket();
    const { live, timers } = setup([bad, good]);
    live.start();
    await flush();
    expect(bad.closed).toBe(true);
    expect(live.getStatus()).toBe('reconnecting');
    timers.runNext();
    await flush();
    expect(live.getStatus()).toBe('live');
  });

  it('retryNow skips the wait; stop cancels everything', async () => {
    const first = new FakeSocket();
    const second = new FakeSocket();
    const { live, timers } = setup([first, second]);
    live.start();
    await flush();
    first.drop();
    live.retryNow();
    await flush();
    expect(timers.queue).toHaveLength(0);
    expect(live.getStatus()).toBe('live');
    live.stop();
    expect(second.closed).toBe(true);
    expect(live.getStatus()).toBe('stopped');
    second.drop();
    expect(timers.queue).toHaveLength(0);
  });

  it('closes a socket that connects after stop()', async () => {
    let resolve!: (s: LiveSocket) => void;
    const late = new FakeSocket();
    const live = new LiveUpdates({ connect: () => new Promise((r) => (resolve = r)), onEvent: () => undefined, onResync: () => undefined });
    live.start();
    live.stop();
    resolve(late);
    await flush();
    expect(late.closed).toBe(true);
    expect(late.subscribed).toBe(0);
  });
});
