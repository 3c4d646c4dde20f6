import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in one database transaction. The app passes the runner it uses for everything else
 * on the same DataSource (on SQLite that one serialises all transactions over the shared connection).
 */
export interface MemoryTransactionRunner {
  run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T>;
  /** After a hard delete has committed: drops old page images that still hold the data (SQLite's WAL). */
  eraseTraces?(): Promise<void>;
}

/**
 * A runner that serialises transactions on a DataSource only libs/memory writes to (the bench,
 * tests). Never use it beside another runner on the same DataSource: they would not share a lock.
 */
export function serialTransactionRunner(ds: DataSource): MemoryTransactionRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: (manager: EntityManager) => Promise<T>): Promise<T> {
      const next = tail.then(() => ds.transaction(fn));
      tail = next.catch(() => undefined);
      return next;
    },
    eraseTraces(): Promise<void> {
      const next = tail.then(async () => {
        await ds.query('PRAGMA wal_checkpoint(TRUNCATE)');
      });
      tail = next.catch(() => undefined);
      return next;
    },
  };
}
