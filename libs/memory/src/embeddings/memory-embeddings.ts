import type { MemoryLogger } from '../queue/debounce-queue';
import type { MemoryStore } from '../store/memory.store';

/** An embedding model (libs/models' EmbeddingClient fits): one vector per text, in order. */
export interface MemoryEmbeddingModel {
  /** Names the model; stored with every vector, so vectors of another model are recomputed. */
  readonly modelKey: string;
  embed(texts: readonly string[], options?: { abortSignal?: AbortSignal }): Promise<number[][]>;
}

export interface MemoryEmbeddingsOptions {
  store: MemoryStore;
  model: MemoryEmbeddingModel;
  logger: MemoryLogger;
  /** Memories embedded per call (default 32). */
  batchSize?: number;
  /** How long a turn waits for its question's vector before going on lexically (default 800 ms). */
  queryTimeoutMs?: number;
  /** After a failed or slow question, how long turns skip the model altogether (default 30 s). */
  cooldownMs?: number;
  /** Backfill retry after a failed call: doubles from this up to 5 minutes (default 5 s). */
  retryMs?: number;
}

export interface MemoryEmbeddingMetrics {
  model: string;
  /** Memories embedded (stored) since start. */
  embedded: number;
  /** Backfill calls that failed. */
  failures: number;
  /** Turns that retrieved lexically alone because the question's vector failed, was late, or the model was cooling down. */
  queryFallbacks: number;
  /** Whether the background indexer is running now. */
  indexing: boolean;
}

const MAX_RETRY_MS = 5 * 60_000;
/** A background call that has not answered in this long is abandoned (and retried with back-off). */
const BATCH_TIMEOUT_MS = 60_000;
const QUERY_CACHE_SIZE = 256;

/**
 * The vectors of memories, computed off the turn's critical path: a background indexer embeds
 * every active memory that has no vector of the configured model for its current text (new,
 * edited, merged, or embedded by another model), at start and whenever memories are written.
 * A turn asks only for its question's vector, bounded by a timeout; a failure or a timeout
 * sends that turn, and the turns of the next `cooldownMs`, to lexical retrieval alone.
 */
export class MemoryEmbeddings {
  private readonly store: MemoryStore;
  private readonly model: MemoryEmbeddingModel;
  private readonly log: MemoryLogger;
  private readonly batchSize: number;
  private readonly queryTimeoutMs: number;
  private readonly cooldownMs: number;
  private readonly retryMs: number;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** Aborts the background call in flight at close, so shutdown never waits on a hung provider. */
  private readonly stopping = new AbortController();
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay: number;
  private coolUntil = 0;
  private readonly cache = new Map<string, number[]>();
  private readonly counters = { embedded: 0, failures: 0, queryFallbacks: 0 };

  constructor(options: MemoryEmbeddingsOptions) {
    this.store = options.store;
    this.model = options.model;
    this.log = options.logger;
    this.batchSize = options.batchSize ?? 32;
    this.queryTimeoutMs = options.queryTimeoutMs ?? 800;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.retryMs = options.retryMs ?? 5_000;
    this.retryDelay = this.retryMs;
  }

  get modelKey(): string {
    return this.model.modelKey;
  }

  /** Asks the indexer to run (now, or again once the current pass ends). Never throws, never waits. */
  schedule(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.retryTimer) return;
    this.running = this.drain()
      .catch((err: unknown) => {
        // A database error (closing, busy): the next write or the retry tries again.
        this.counters.failures++;
        this.backOff(`memory embedding pass failed: ${errorText(err)}`, 0);
      })
      .finally(() => {
      this.running = null;
      if (this.again && !this.closed && !this.retryTimer) {
        this.again = false;
        this.schedule();
      }
    });
  }

  /** Resolves when the indexer has nothing left to do or has backed off (tests, the bench). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops the indexer: the call in flight is aborted (a hung provider never holds up shutdown); nothing new starts. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.idle();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      this.again = false;
      const work = await this.store.embeddingWork(this.model.modelKey, this.batchSize);
      if (work.length === 0) return;
      let vectors: number[][];
      try {
        vectors = await this.model.embed(
          work.map((w) => w.content),
          { abortSignal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(BATCH_TIMEOUT_MS)]) },
        );
        if (vectors.length !== work.length) throw new Error(`the model answered ${vectors.length} vectors for ${work.length} texts`);
      } catch (err) {
        if (this.closed) return;
        this.counters.failures++;
        this.backOff(`memory embedding failed: ${errorText(err)}`, work.length);
        return;
      }
      const stored = await this.store.putEmbeddings(
        this.model.modelKey,
        work.map((w, i) => ({ docId: w.docId, contentHash: w.contentHash, vector: vectors[i] })),
      );
      this.counters.embedded += stored;
      this.retryDelay = this.retryMs;
      // Nothing of a full batch could be stored (every vector unusable): trying again at once would spin.
      if (stored === 0 && !this.again) {
        this.backOff('memory embedding: the model answered no usable vector', work.length);
        return;
      }
    }
  }

  private backOff(message: string, batch: number): void {
    if (this.closed) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(MAX_RETRY_MS, this.retryDelay * 2);
    this.log.warn({ model: this.model.modelKey, batch, retryInMs: delay }, message);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.schedule();
    }, delay);
    this.retryTimer.unref();
  }

  /**
   * The vector of a turn's question, or null (the turn then retrieves lexically alone): when the
   * model fails, takes longer than the timeout, or failed within the cool-down.
   */
  async queryVector(text: string): Promise<number[] | null> {
    const cached = this.cache.get(text);
    if (cached) return cached;
    if (Date.now() < this.coolUntil) {
      this.counters.queryFallbacks++;
      return null;
    }
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.queryTimeoutMs)));
    try {
      const result = await Promise.race([this.model.embed([text], { abortSignal: abort.signal }), late]);
      if (result === 'late') throw new Error(`no answer within ${this.queryTimeoutMs} ms`);
      const vector = result[0];
      if (!vector || vector.length === 0) throw new Error('the model answered no vector');
      this.cache.set(text, vector);
      if (this.cache.size > QUERY_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      return vector;
    } catch (err) {
      abort.abort();
      this.counters.queryFallbacks++;
      this.coolUntil = Date.now() + this.cooldownMs;
      this.log.warn({ model: this.model.modelKey, cooldownMs: this.cooldownMs, err: errorText(err) }, 'question embedding failed: retrieving lexically');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  metrics(): MemoryEmbeddingMetrics {
    return { model: this.model.modelKey, ...this.counters, indexing: this.running !== null };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
