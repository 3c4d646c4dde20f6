import { DebounceQueue, type MemoryLogger } from './debounce-queue';

function recorder() {
  const batches: Array<{ key: string; events: string[] }> = [];
  const warnings: string[] = [];
  const logger: MemoryLogger = { debug: () => undefined, info: () => undefined, warn: (_o, m) => warnings.push(m ?? ''), error: (_o, m) => warnings.push(m ?? '') };
  return { batches, warnings, logger };
}

describe('DebounceQueue', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const make = (r: ReturnType<typeof recorder>, over: Partial<ConstructorParameters<typeof DebounceQueue<string>>[0]> = {}) =>
    new DebounceQueue<string>({
      delayMs: 100,
      maxDepth: 3,
      merge: (a, b) => `${a}+${b}`,
      handle: async (key, events) => {
        r.batches.push({ key, events });
      },
      logger: r.logger,
      ...over,
    });

  it('discard drops the pending events of a key unhandled and leaves other keys alone', async () => {
    const r = recorder();
    const q = make(r);
    q.enqueue('s1', 'a');
    q.enqueue('s1', 'b');
    q.enqueue('s2', 'x');
    expect(q.discard('s1')).toBe(2);
    expect(q.discard('s1')).toBe(0);
    expect(q.metrics()).toMatchObject({ depth: 1, keys: 1 });
    await jest.advanceTimersByTimeAsync(1000);
    await q.flushAll();
    expect(r.batches).toEqual([{ key: 's2', events: ['x'] }]);
  });

  it('debounces per key: one batch after the key has been quiet for the delay', async () => {
    const r = recorder();
    const q = make(r);
    q.enqueue('s1', 'a');
    q.enqueue('s2', 'x');
    await jest.advanceTimersByTimeAsync(60);
    q.enqueue('s1', 'b');
    await jest.advanceTimersByTimeAsync(39);
    expect(r.batches).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(r.batches).toEqual([{ key: 's2', events: ['x'] }]);
    // s1's timer restarted at 60 ms: it is due at 160 ms, with both events.
    await jest.advanceTimersByTimeAsync(59);
    expect(r.batches).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(r.batches).toEqual([
      { key: 's2', events: ['x'] },
      { key: 's1', events: ['a', 'b'] },
    ]);
    expect(q.metrics()).toMatchObject({ depth: 0, enqueued: 3, flushes: 2, drops: 0 });
  });

  it('flushes a busy key after maxWaitMs even if events keep coming', async () => {
    const r = recorder();
    const q = make(r, { maxWaitMs: 250, maxDepth: 100 });
    for (let i = 0; i < 10; i++) {
      q.enqueue('s1', String(i));
      await jest.advanceTimersByTimeAsync(50);
    }
    expect(r.batches.length).toBeGreaterThanOrEqual(1);
    expect(r.batches[0].events.length).toBeLessThanOrEqual(6);
  });

  it('bounds the depth: overflow is merged into the last event, counted and logged, never lost', async () => {
    const r = recorder();
    const q = make(r);
    for (const e of ['a', 'b', 'c', 'd', 'e']) q.enqueue('s1', e);
    expect(q.metrics()).toMatchObject({ depth: 3, drops: 2 });
    expect(r.warnings.filter((w) => /queue full/.test(w))).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(100);
    expect(r.batches).toEqual([{ key: 's1', events: ['a', 'b', 'c+d+e'] }]);
  });

  it('bounds the number of waiting keys by flushing the oldest early', async () => {
    const r = recorder();
    const q = make(r, { maxKeys: 2 });
    q.enqueue('s1', 'a');
    q.enqueue('s2', 'b');
    q.enqueue('s3', 'c');
    await jest.advanceTimersByTimeAsync(0);
    expect(r.batches).toEqual([{ key: 's1', events: ['a'] }]);
    expect(q.metrics().keys).toBe(2);
  });

  it('flushes everything on close, and runs later events at once', async () => {
    const r = recorder();
    const q = make(r);
    q.enqueue('s1', 'a');
    q.enqueue('s2', 'b');
    await q.close();
    expect(r.batches.map((b) => b.key).sort()).toEqual(['s1', 's2']);
    q.enqueue('s3', 'late');
    await q.flushAll();
    expect(r.batches.at(-1)).toEqual({ key: 's3', events: ['late'] });
  });

  it('never runs two batches of one key at once, and counts failures', async () => {
    jest.useRealTimers();
    const r = recorder();
    let running = 0;
    let maxRunning = 0;
    const q = make(r, {
      delayMs: 1,
      handle: async (_key, events) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((res) => setTimeout(res, 20));
        running--;
        if (events.includes('bad')) throw new Error('boom');
      },
    });
    q.enqueue('s1', 'bad');
    const first = q.flush('s1');
    q.enqueue('s1', 'b');
    const second = q.flush('s1');
    await Promise.all([first, second]);
    expect(maxRunning).toBe(1);
    expect(q.metrics()).toMatchObject({ flushes: 2, failures: 1 });
    expect(r.warnings).toContain('memory batch failed');
  });
});
