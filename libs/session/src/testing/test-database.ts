import { sessionEntities, sessionMigrations } from '../db/session-schema';
import { openSqliteTestDatabase, type SqliteTestDatabase } from '@switchboard/persistence/testing';

export interface TestDatabase extends SqliteTestDatabase {
  /** Runs fn and returns its result with the SQL statements the connection ran meanwhile (every one, prepared or not). */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
}

/** A real SQLite file in a fresh temp dir, migrated with the real migrations. */
export async function openTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let recording: string[] | null = null;
  const db = await openSqliteTestDatabase({
    entities: sessionEntities,
    migrations: sessionMigrations,
    migrate: opts.migrate,
    trace: (sql) => recording?.push(sql),
  });
  return {
    ...db,
    async countStatements(fn) {
      const statements: string[] = [];
      recording = statements;
      try {
        return { result: await fn(), statements };
      } finally {
        recording = null;
      }
    },
  };
}
