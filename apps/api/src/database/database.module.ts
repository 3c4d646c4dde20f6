import { Module } from '@nestjs/common';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createPostgresDataSource, createSqliteDataSource, initializeDataSource, redactDatabaseUrl, runMigrations, type TransactionRunner } from '@switchboard/persistence';
import { SessionRepository } from '@switchboard/session/server';
import type { ApiEnv } from '../config/api-env';
import { API_ENV, DATA_SOURCE, LOGGER, TRANSACTION_RUNNER } from '../core/tokens';
import { appTransactionRunner } from './app-transaction-runner';
import { DATABASE_FILE, secureDataDir } from './data-dir';
import { databaseEntities, databaseMigrations } from './schema';

/** The one DataSource (SQLite in the data directory, or PostgreSQL with DATABASE_URL; migrated on start), the transaction runner every store writes through, and the session stores. */
@Module({
  providers: [
    {
      provide: DATA_SOURCE,
      inject: [API_ENV],
      useFactory: async (env: ApiEnv): Promise<DataSource> => {
        const ds = env.database.url
          ? createPostgresDataSource({
              url: env.database.url,
              entities: databaseEntities,
              migrations: databaseMigrations,
              poolSize: env.database.poolSize,
              statementTimeoutMs: env.database.statementTimeoutMs,
              applicationName: `switchboard ${env.replica.id}`.slice(0, 63),
            })
          : sqliteDataSource(env);
        await initializeDataSource(ds, env.database.url ? redactDatabaseUrl(env.database.url) : join(env.dataDir, DATABASE_FILE));
        await runMigrations(ds);
        return ds;
      },
    },
    {
      provide: TRANSACTION_RUNNER,
      inject: [DATA_SOURCE, LOGGER],
      useFactory: appTransactionRunner,
    },
    {
      provide: SessionRepository,
      inject: [DATA_SOURCE, TRANSACTION_RUNNER],
      useFactory: (ds: DataSource, tx: TransactionRunner) => new SessionRepository(ds, tx),
    },
  ],
  // Closed by EngineLifecycle, after the engine has stopped.
  exports: [DATA_SOURCE, TRANSACTION_RUNNER, SessionRepository],
})
export class DatabaseModule {}

function sqliteDataSource(env: ApiEnv): DataSource {
  secureDataDir(env.dataDir);
  return createSqliteDataSource({ file: join(env.dataDir, DATABASE_FILE), entities: databaseEntities, migrations: databaseMigrations });
}
