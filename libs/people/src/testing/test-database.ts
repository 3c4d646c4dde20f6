import { openSqliteTestDatabase, type SqliteTestDatabase } from '@switchboard/persistence/testing';
import { peopleEntities, peopleMigrations } from '../people-schema';

export type TestDatabase = SqliteTestDatabase;

/** A real SQLite file in a fresh temp dir with libs/people's tables, migrated with its real migrations. */
export function openTestDatabase(): Promise<TestDatabase> {
  return openSqliteTestDatabase({ entities: peopleEntities, migrations: peopleMigrations });
}
