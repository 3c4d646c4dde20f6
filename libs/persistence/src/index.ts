/**
 * The persistence layer every domain lib shares (server-only): the SQLite and PostgreSQL data
 * sources and the migrations runner, the one transaction runner (one lock on SQLite), the WAL checkpointer,
 * portable SQL and migration column helpers. Each lib still owns its tables and migrations.
 */
export { createSqliteDataSource, runMigrations, sqliteConnection, type SqliteDataSourceOptions } from './sqlite-data-source';
export {
  createPostgresDataSource,
  DatabaseUrlError,
  dialectOf,
  initializeDataSource,
  parseDatabaseUrl,
  redactDatabaseUrl,
  type PostgresDataSourceOptions,
} from './postgres-data-source';
export { startPostgresCluster, type PostgresCluster } from './postgres-cluster';
export { createTransactionRunner, inTransaction, isSingleConnection, runWrite, type TransactionRunner } from './transaction-runner';
export { WalCheckpointer, type CheckpointResult, type WalCheckpointerOptions } from './wal-checkpointer';
export * from './sql';
export * from './store-utils';
export * as columns from './migration-columns';
