/** The logger libs/memory writes to (pino fits; the engine's logger too). */
export interface MemoryLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentMemoryLogger: MemoryLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface DebounceQueueOptions<E> {
  /** Quiet time after the last event of a key before its batch is handled. */
  delayMs: number;
  /** A busy key is flushed at the latest this long after its first pending event. */
  maxWaitMs?: number;
  /** Pending events per key; past it, new events are merged into the last one (counted, logged). */
  maxDepth: number;
  /** Keys with pending events; past it, the oldest key is flushed early. */
  maxKeys?: number;
  /** Folds an overflowing event into the last pending one: nothing is dropped. */
  merge(into: E, overflow: E): E;
  /** Handles one key's batch (events in arrival order). Batches of one key never overlap. */
  handle(key: string, events: E[]): Promise<void>;
  logger?: MemoryLogger;
}

/** Counters of the queue, for metrics. */
export interface DebounceQueueMetrics {
  /** events waiting now, over all keys */
  depth: number;
  /** keys with waiting events */
  keys: number;
  enqueued: number;
  /** batches handed to the handler */
  flushes: number;
  /** events that found their key full and were merged into the last pending one */
  drops: number;
  /** batches whose handler threw */
  failures: number;
  /** batches running now */
  inFlight: number;
}

interface Pending<E> {
  events: E[];
  firstAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Debounces events per key (a session): a key's batch is handled once it has been quiet for
 * `delayMs` (or has waited `maxWaitMs`). Depth is bounded per key and in keys; overflow is
 * merged and counted, never silently lost; `close()` flushes everything (shutdown).
 */
export class DebounceQueue<E> {
  private readonly pending = new Map<string, Pending<E>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly counters = { enqueued: 0, flushes: 0, drops: 0, failures: 0 };
  private readonly log: MemoryLogger;
  private readonly maxWaitMs: number;
  private readonly maxKeys: number;
  private closed = false;

  constructor(private readonly options: DebounceQueueOptions<E>) {
    this.log = options.logger ?? silentMemoryLogger;
    this.maxWaitMs = options.maxWaitMs ?? options.delayMs * 10;
    this.maxKeys = options.maxKeys ?? 1000;
    if (options.maxDepth < 1) throw new RangeError('maxDepth must be at least 1');
  }

  /** Adds an event for a key and (re)starts its quiet timer. After close(), the batch runs at once. */
  enqueue(key: string, event: E): void {
    this.counters.enqueued++;
    let slot = this.pending.get(key);
    if (!slot) {
      if (this.pending.size >= this.maxKeys) this.flushOldest();
      slot = { events: [], firstAt: Date.now(), timer: null };
      this.pending.set(key, slot);
    }
    if (slot.events.length >= this.options.maxDepth) {
      const last = slot.events.length - 1;
      slot.events[last] = this.options.merge(slot.events[last], event);
      this.counters.drops++;
      this.log.warn({ key, depth: slot.events.length, drops: this.counters.drops }, 'memory queue full for this session: event merged into the last pending one');
    } else {
      slot.events.push(event);
    }
    if (this.closed) {
      void this.flush(key);
      return;
    }
    if (slot.timer) clearTimeout(slot.timer);
    const waited = Date.now() - slot.firstAt;
    const delay = Math.max(0, Math.min(this.options.delayMs, this.maxWaitMs - waited));
    slot.timer = setTimeout(() => void this.flush(key), delay);
    slot.timer.unref?.();
    this.log.debug({ key, depth: slot.events.length }, 'memory event queued');
  }

  /** Handles a key's pending events now (after any batch of that key still running). */
  flush(key: string): Promise<void> {
    const slot = this.pending.get(key);
    if (!slot) return this.running.get(key) ?? Promise.resolve();
    this.pending.delete(key);
    if (slot.timer) clearTimeout(slot.timer);
    const previous = this.running.get(key) ?? Promise.resolve();
    const run: Promise<void> = previous.then(async () => {
      this.counters.flushes++;
      try {
        await this.options.handle(key, slot.events);
      } catch (err) {
        this.counters.failures++;
        this.log.error({ key, events: slot.events.length, err: err instanceof Error ? err.message : String(err) }, 'memory batch failed');
      }
    });
    this.running.set(key, run);
    void run.finally(() => {
      if (this.running.get(key) === run) this.running.delete(key);
    });
    return run;
  }

  /** Drops a key's pending events unhandled (its batch already running is not stopped); returns how many. */
  discard(key: string): number {
    const slot = this.pending.get(key);
    if (!slot) return 0;
    this.pending.delete(key);
    if (slot.timer) clearTimeout(slot.timer);
    return slot.events.length;
  }

  /** Flushes every key and waits for all batches. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((k) => this.flush(k)));
    await Promise.all([...this.running.values()]);
  }

  /** Stops debouncing (later events run at once) and flushes everything: call on shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushAll();
  }

  metrics(): DebounceQueueMetrics {
    let depth = 0;
    for (const slot of this.pending.values()) depth += slot.events.length;
    return { depth, keys: this.pending.size, ...this.counters, inFlight: this.running.size };
  }

  private flushOldest(): void {
    let oldest: string | null = null;
    let at = Infinity;
    for (const [key, slot] of this.pending) {
      if (slot.firstAt < at) {
        at = slot.firstAt;
        oldest = key;
      }
    }
    if (oldest !== null) {
      this.log.warn({ key: oldest, keys: this.pending.size }, 'memory queue has too many sessions waiting: flushing the oldest early');
      void this.flush(oldest);
    }
  }
}
