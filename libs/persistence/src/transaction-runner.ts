import { AsyncLocalStorage } from 'node:async_hooks';
import { backOff } from 'exponential-backoff';
import type { DataSource, EntityManager } from 'typeorm';
import { sqliteConnection } from './sqlite-data-source';
import { isConflictError } from './store-utils';

/** How many times a transaction that lost a deadlock or a serialization check is run in all. */
const CONFLICT_ATTEMPTS = 6;

/**
 * Runs work in a database transaction; on SQLite, one transaction at a time. On PostgreSQL a
 * transaction that loses a deadlock or a serialization check is run again (the body may run
 * more than once, so it keeps side effects for after it returns).
 */
export interface TransactionRunner {
  run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T>;
  /**
   * After a delete that must leave the disk (a forgotten memory, a deleted conversation): folds
   * the SQLite write-ahead log into the database file and truncates it, so no old page image
   * keeps the data (the database file itself overwrites deleted content: secure_delete).
   * Call it after the deleting transaction has committed, never inside one. Elsewhere a no-op.
   */
  eraseTraces(): Promise<void>;
  /**
   * Folds what is left of the SQLite write-ahead log into the database file, between
   * transactions, so the next write starts the log over (see WalCheckpointer). Elsewhere a no-op.
   */
  checkpoint(): Promise<void>;
}

/** FIFO async lock: each holder runs after the previous one settles. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async lock<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** What `PRAGMA wal_checkpoint` answers: busy 1 when it could not finish (another checkpoint or an older reader). */
interface WalCheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

class WalBusyError extends Error {}

/** How long eraseTraces keeps trying (2, 4, ... then at most 100 ms apart): far longer than a background checkpoint takes. */
const ERASE_RETRY_MS = 2000;

/** The transaction the current async call chain is inside. */
interface OpenTransaction {
  manager: EntityManager;
  open: boolean;
  // Serialises nested runs: they share the transaction's single connection.
  nested: Mutex;
}

// Drivers on which TypeORM shares one connection (and one QueryRunner) for everything.
const SINGLE_CONNECTION_DRIVERS = new Set<string>(['better-sqlite3', 'capacitor', 'cordova', 'expo', 'nativescript', 'react-native', 'sqljs']);

/** True when the DataSource runs every query on one shared connection (the SQLite drivers). */
export function isSingleConnection(ds: DataSource): boolean {
  return SINGLE_CONNECTION_DRIVERS.has(ds.options.type);
}

class DataSourceTransactionRunner implements TransactionRunner {
  private readonly mutex = new Mutex();
  private readonly current = new AsyncLocalStorage<OpenTransaction>();
  // Transactions open right now (with their nested savepoints).
  private openCount = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly serial: boolean,
  ) {}

  run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const outer = this.current.getStore();
    // A run started from inside another joins it as a savepoint instead of waiting for
    // the lock its own caller holds (which would deadlock).
    if (outer?.open) return outer.nested.lock(() => outer.manager.transaction((m) => this.within(m, fn)));
    const start = () => this.ds.transaction((m) => this.within(m, fn));
    if (this.serial) return this.mutex.lock(start);
    // PostgreSQL rolls a deadlock's victim (or a serialization failure) back whole and expects it
    // to be run again; the other transaction has gone on by then. So the whole run is retried:
    // bodies must keep their side effects (events, caches) for after they return.
    return backOff(start, { numOfAttempts: CONFLICT_ATTEMPTS, startingDelay: 5, maxDelay: 200, jitter: 'full', retry: (err) => isConflictError(err) });
  }

  async eraseTraces(): Promise<void> {
    // A TRUNCATE checkpoint that finds another connection checkpointing (the WalCheckpointer's
    // thread, for a few milliseconds) or reading an older snapshot answers busy and leaves the
    // log, old page images and all. So it is tried again until it empties the log. Each attempt
    // gives up at once instead of waiting inside SQLite with the lock held, and the lock is let
    // go between attempts, so writes go on meanwhile.
    const deadline = Date.now() + ERASE_RETRY_MS;
    await backOff(
      async () => {
        const result = await this.walCheckpoint('TRUNCATE', 'eraseTraces()', { noWait: true });
        if (result && result.busy !== 0) throw new WalBusyError();
      },
      {
        numOfAttempts: Number.MAX_SAFE_INTEGER,
        startingDelay: 2,
        timeMultiple: 2,
        maxDelay: 100,
        jitter: 'full',
        retry: (err) => err instanceof WalBusyError && Date.now() < deadline,
      },
    ).catch((err: unknown) => {
      if (err instanceof WalBusyError) throw new Error(`eraseTraces(): the write-ahead log stayed busy for ${ERASE_RETRY_MS} ms`);
      throw err;
    });
  }

  async checkpoint(): Promise<void> {
    await this.walCheckpoint('PASSIVE', 'checkpoint()');
  }

  // Under the lock, so no transaction is open on the shared connection and no write lands mid-way.
  private async walCheckpoint(mode: 'PASSIVE' | 'TRUNCATE', caller: string, options: { noWait?: boolean } = {}): Promise<WalCheckpointRow | undefined> {
    if (!this.serial) return undefined;
    if (this.current.getStore()?.open) throw new Error(`${caller} runs after a transaction, not inside one`);
    return this.mutex.lock(async () => {
      const query = async () => ((await this.ds.query(`PRAGMA wal_checkpoint(${mode})`)) as WalCheckpointRow[])[0];
      const db = options.noWait ? sqliteConnection(this.ds) : null;
      if (!db) return query();
      const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
      db.pragma('busy_timeout = 0');
      try {
        return await query();
      } finally {
        db.pragma(`busy_timeout = ${busyTimeout}`);
      }
    });
  }

  private async within<T>(manager: EntityManager, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    const state: OpenTransaction = { manager, open: true, nested: new Mutex() };
    this.openCount++;
    try {
      return await this.current.run(state, () => fn(manager));
    } finally {
      // Work that outlives the transaction (a stray promise) must not think it is still inside.
      state.open = false;
      // The context only has to follow promises while a transaction is open. Tracking it costs
      // a hook on every promise in the process (about 8 % of a turn's CPU), so it is switched
      // off in between; the next run switches it on again.
      if (--this.openCount === 0) this.current.disable();
    }
  }
}

// One runner per DataSource: two runners would hold two locks over the same SQLite connection.
const runners = new WeakMap<DataSource, TransactionRunner>();

/** The transaction runner of a DataSource: serialised on SQLite, plain `dataSource.transaction` elsewhere. */
export function createTransactionRunner(ds: DataSource): TransactionRunner {
  let runner = runners.get(ds);
  if (!runner) {
    runner = new DataSourceTransactionRunner(ds, isSingleConnection(ds));
    runners.set(ds, runner);
  }
  return runner;
}

/** Runs fn in a transaction: the manager's own when it has one, else a new one from the runner. */
export function inTransaction<T>(manager: EntityManager, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (manager.queryRunner?.isTransactionActive) return fn(manager);
  return createTransactionRunner(manager.dataSource).run(fn);
}

/**
 * Runs a write. On SQLite a write outside any transaction would otherwise run on the shared
 * connection in the middle of someone else's open transaction and be rolled back with it;
 * so there it waits for the lock and commits on its own. Elsewhere it just runs.
 */
export function runWrite<T>(manager: EntityManager, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (manager.queryRunner?.isTransactionActive || !isSingleConnection(manager.dataSource)) return fn(manager);
  return createTransactionRunner(manager.dataSource).run(fn);
}
