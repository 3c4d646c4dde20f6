import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { sqliteConnection } from './sqlite-data-source';
import { createTransactionRunner, type TransactionRunner } from './transaction-runner';

/** What one checkpoint did: frames in the write-ahead log, frames copied into the database file. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerOptions {
  /** How often the background thread copies the log into the database file. */
  intervalMs?: number;
  /** Log length (pages) from which the writer is asked to start the log over. */
  restartPages?: number;
  /** Called when the background thread fails; checkpoints are then back on the writer's connection. */
  onError?: (err: Error) => void;
}

/** SQLite's default: the writer checkpoints itself once the log passes 1,000 pages. */
const AUTOCHECKPOINT_PAGES = 1000;
/** While the thread runs, the writer's own checkpoint is only a safety valve. */
const SAFETY_AUTOCHECKPOINT_PAGES = 10_000;

// The thread's whole program. It owns a second connection that only ever checkpoints: a
// PASSIVE checkpoint never waits for the writer and never blocks it. Under steady writes the
// log never empties by itself (frames land while a checkpoint runs), so once the log is long
// and all of it up to the checkpoint's start is copied, the writer is asked to fold the few
// frames written since: then the next write starts the log over.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('cache_size = -256');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
const timer = setInterval(() => {
  try {
    const r = checkpoint();
    if (r.log >= workerData.restartPages && r.checkpointed === r.log) parentPort.postMessage({ type: 'fold', log: r.log });
  } catch (err) { parentPort.postMessage({ type: 'failed', message: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m.type === 'checkpoint') {
    try { parentPort.postMessage({ type: 'checkpointed', id: m.id, result: checkpoint() }); }
    catch (err) { parentPort.postMessage({ type: 'checkpointed', id: m.id, error: String(err && err.message || err) }); }
  } else if (m.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'fold'; log: number }
  | { type: 'failed'; message: string }
  | { type: 'checkpointed'; id: number; result?: CheckpointResult; error?: string };

/**
 * Runs the SQLite write-ahead-log checkpoints on a background thread instead of inside the
 * writer's COMMIT. A checkpoint copies the log into the database file and syncs it to disk
 * (milliseconds); inline, every ~1,000th page written stalls one request for that long. What
 * stays on the writer is folding the last few frames, so the log starts over. While the thread
 * runs, the writer's own auto-checkpoint is only a safety valve (10,000 pages); if the thread
 * fails or stops, it is back at SQLite's default, so the log never grows without bound.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private active = false;
  private stopping = false;
  private readonly exited: Promise<void>;
  private folding: Promise<void> | null = null;
  private failed = false;
  private foldCount = 0;
  /** Resolves true once the thread has taken over checkpoints, false if it could not start. */
  readonly ready: Promise<boolean>;

  private constructor(
    private readonly db: Database,
    private readonly runner: TransactionRunner,
    file: string,
    options: WalCheckpointerOptions,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        file,
        intervalMs: Math.max(10, options.intervalMs ?? 200),
        restartPages: Math.max(1, options.restartPages ?? AUTOCHECKPOINT_PAGES),
      },
      // It holds one connection and a timer: keep its heap small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    this.worker.unref();
    let settleReady!: (ok: boolean) => void;
    this.ready = new Promise((resolve) => (settleReady = resolve));
    const fail = (err: Error) => {
      settleReady(false);
      this.handBack();
      if (this.stopping || this.failed) return;
      this.failed = true;
      options.onError?.(err);
    };
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        if (this.stopping) return settleReady(false);
        this.db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
        this.active = true;
        settleReady(true);
      } else if (m.type === 'fold') {
        if (this.folding || !this.active) return;
        this.folding = this.runner
          .checkpoint()
          .then(() => void this.foldCount++)
          .catch((err: Error) => options.onError?.(err))
          .finally(() => {
            this.folding = null;
          });
      } else if (m.type === 'failed') {
        fail(new Error(`WAL checkpoint failed: ${m.message}`));
        void this.worker.terminate();
      } else {
        const waiter = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) waiter?.reject(new Error(m.error));
        else if (m.result) waiter?.resolve(m.result);
      }
    });
    this.worker.on('error', (err) => fail(err));
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', (code) => {
        if (!this.stopping || code !== 0) fail(new Error(`WAL checkpoint thread exited (code ${code})`));
        for (const waiter of this.pending.values()) waiter.reject(new Error('WAL checkpoint thread stopped'));
        this.pending.clear();
        resolve();
      });
    });
  }

  /**
   * Starts the background checkpointer for a file-backed better-sqlite3 DataSource (initialised);
   * null for other databases, where the server does its own checkpointing.
   */
  static start(ds: DataSource, options: WalCheckpointerOptions = {}): WalCheckpointer | null {
    const db = sqliteConnection(ds);
    const file = ds.options.database;
    if (!db || typeof file !== 'string' || file === ':memory:') return null;
    return new WalCheckpointer(db, createTransactionRunner(ds), file, options);
  }

  /** True while the thread does the checkpoints (the writer's own is only a safety valve). */
  get running(): boolean {
    return this.active;
  }

  /** How many times the writer was asked to fold the log's last frames (so it started over). */
  get folds(): number {
    return this.foldCount;
  }

  /** Checkpoints now, on the background thread. */
  checkpointNow(): Promise<CheckpointResult> {
    if (!this.active) return Promise.reject(new Error('the WAL checkpoint thread is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'checkpoint', id });
    });
  }

  /** Stops the thread (its connection closed) and gives checkpoints back to the writer. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.worker.postMessage({ type: 'stop' });
    }
    await this.exited;
    await this.folding;
    this.handBack();
  }

  private handBack(): void {
    if (!this.active) return;
    this.active = false;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }
}
