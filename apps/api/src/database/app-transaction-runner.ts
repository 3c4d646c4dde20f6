import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createTransactionRunner, type TransactionRunner } from '@switchboard/persistence';

/**
 * The API's transaction runner: the DataSource's one runner (one lock over the SQLite
 * connection), except that erasing a delete's traces never fails the delete. By the time it
 * runs the delete has committed and is gone from every query; if the write-ahead log stays busy
 * (another process holding a read open on the file for seconds), its old pages wait for the
 * next erase or for shutdown, and the operator is told.
 */
export function appTransactionRunner(ds: DataSource, logger: Logger): TransactionRunner {
  const tx = createTransactionRunner(ds);
  return {
    run: (fn) => tx.run(fn),
    checkpoint: () => tx.checkpoint(),
    async eraseTraces() {
      try {
        await tx.eraseTraces();
      } catch (err) {
        logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'deleted, but the write-ahead log still holds old copies until the next delete or shutdown (is another process reading the database?)',
        );
      }
    },
  };
}
