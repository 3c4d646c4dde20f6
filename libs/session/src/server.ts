/** Server-only code of libs/session (Node): entities, migrations, the data source, transactions and stores. */
export * from './index';
export { sessionEntities, sessionMigrations } from './db/session-schema';
export { InitSessions1763683200000 } from './db/migrations/1763683200000-init-sessions.migration';
export { createSqliteDataSource, runMigrations, type SqliteDataSourceOptions } from './db/sqlite-data-source';
export { createTransactionRunner, inTransaction, isSingleConnection, type TransactionRunner } from './db/transaction-runner';
export * from './store/session.store';
export * from './store/message.store';
export * from './store/session-config.store';
export * from './store/preference.store';
export * from './store/queue.store';
export * from './store/usage.store';
export * from './store/clear-session';
export * from './store/session-repository';
export * from './engine/engine.types';
export { SessionEngine, sourceLabel, type SessionEngineOptions, type TurnStartedHook } from './engine/session-engine';
export { buildPrompt, type BuildPromptInput, type BuiltPrompt } from './engine/build-prompt';
export * from './access/access.store';
export * from './jobs';
