import { openPostgresTestDatabase, openSqliteTestDatabase, type PostgresTestDataSource, type SqliteTestDatabase } from '@switchboard/persistence/testing';
import { createPostgresDataSource } from '@switchboard/persistence';
import type { DataSource } from 'typeorm';
import { jobsEntities, jobsMigrations } from '../jobs-schema';

export type TestDatabase = SqliteTestDatabase;

/** A real SQLite file in a fresh temp dir with libs/jobs' tables, migrated with its real migrations. */
export function openTestDatabase(): Promise<TestDatabase> {
  return openSqliteTestDatabase({ entities: jobsEntities, migrations: jobsMigrations });
}

/** A fresh database on the run's PostgreSQL cluster with libs/jobs' tables, migrated. */
export function openPostgresJobsDatabase(): Promise<PostgresTestDataSource> {
  return openPostgresTestDatabase({ entities: jobsEntities, migrations: jobsMigrations });
}

/** Another connection pool on the same PostgreSQL database: what a second API replica has. */
export async function openReplicaDataSource(url: string): Promise<DataSource> {
  const ds = createPostgresDataSource({ url, entities: jobsEntities, migrations: jobsMigrations, poolSize: 4 });
  await ds.initialize();
  return ds;
}
