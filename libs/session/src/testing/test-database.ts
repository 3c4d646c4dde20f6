import { sessionEntities, sessionMigrations } from '../db/session-schema';
import { openDialectTestDatabase, type DialectTestDatabase, type TestDialect } from '@switchboard/persistence/testing';

export { TEST_DIALECTS, type TestDialect } from '@switchboard/persistence/testing';

export interface TestDatabase extends DialectTestDatabase {
  /** Runs fn and returns its result with the SQL statements the database ran meanwhile (every one, prepared or not). */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
}

/** A fresh database (a temp SQLite file unless `dialect` says PostgreSQL), migrated with the real migrations. */
export async function openTestDatabase(opts: { migrate?: boolean; dialect?: TestDialect } = {}): Promise<TestDatabase> {
  let recording: string[] | null = null;
  const db = await openDialectTestDatabase(opts.dialect ?? 'sqlite', {
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
