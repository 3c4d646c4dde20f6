import { SEARCH_INDEX_BATCH, type MessageSearchStore } from './message-search.store';

export interface MessageSearchIndexerOptions {
  /** How long a written message waits for the index at most (ms); a search never waits for it. */
  intervalMs?: number;
  /** Rows per indexing transaction. */
  batchSize?: number;
  /** A failed round (the database busy, say); the next round tries again. */
  onError?: (err: Error) => void;
}

/**
 * Keeps the SQLite message search index caught up off the turn's path: every `intervalMs` it
 * indexes what was written since, one short transaction per batch, letting queued turns take the
 * write lock between batches. Searches flush the rest themselves (MessageSearchStore.search), so
 * this only decides when the work happens, never whether a search sees a message.
 */
export class MessageSearchIndexer {
  private readonly timer: NodeJS.Timeout;
  private round: Promise<void> | null = null;
  private stopped = false;
  private indexedCount = 0;

  private constructor(
    private readonly store: MessageSearchStore,
    private readonly options: MessageSearchIndexerOptions,
  ) {
    this.timer = setInterval(() => this.tick(), Math.max(10, options.intervalMs ?? 500));
    // A timer must not keep a process (or a test) alive.
    this.timer.unref();
  }

  /** Starts indexing in the background; null where the database keeps its own index (PostgreSQL). */
  static start(store: MessageSearchStore, options: MessageSearchIndexerOptions = {}): MessageSearchIndexer | null {
    return store.indexedInBatches ? new MessageSearchIndexer(store, options) : null;
  }

  /** Messages indexed by this indexer so far. */
  get indexed(): number {
    return this.indexedCount;
  }

  /** Stops the rounds and waits for the one under way; what is left is indexed by the next start or search. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
  }

  private tick(): void {
    if (this.round || this.stopped) return;
    this.round = this.indexRound()
      .catch((err: unknown) => this.options.onError?.(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.round = null;
      });
  }

  private async indexRound(): Promise<void> {
    // Most rounds find nothing: a read through the partial index, without taking the write lock.
    if (!(await this.store.hasPendingIndex())) return;
    const batch = this.options.batchSize ?? SEARCH_INDEX_BATCH;
    while (!this.stopped) {
      const n = await this.store.indexPending(batch);
      this.indexedCount += n;
      if (n < batch) return;
    }
  }
}
