import { openSqliteTestDatabase, type SqliteTestDatabase } from '@switchboard/persistence/testing';
import { jobsEntities, jobsMigrations } from '../jobs-schema';

export type TestDatabase = SqliteTestDatabase;

/** A real SQLite file in a fresh temp dir with libs/jobs' tables, migrated with its real migrations. */
export function openTestDatabase(): Promise<TestDatabase> {
  return openSqliteTestDatabase({ entities: jobsEntities, migrations: jobsMigrations });
}
