import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { sessionEntities, sessionMigrations } from '../db/session-schema';
import { createSqliteDataSource, runMigrations } from '@switchboard/persistence';

export interface TestDatabase {
  ds: DataSource;
  file: string;
  /** Runs fn and returns its result with the SQL statements the connection ran meanwhile (every one, prepared or not). */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  /** Closes the connection and deletes the temp directory. */
  close(): Promise<void>;
}

/** A real SQLite file in a fresh temp dir, migrated with the real migrations. */
export async function openTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-session-'));
  const file = join(dir, 'switchboard.sqlite');
  let recording: string[] | null = null;
  const ds = createSqliteDataSource({
    file,
    entities: sessionEntities,
    migrations: sessionMigrations,
    trace: (sql) => recording?.push(sql),
  });
  if (opts.migrate === false) await ds.initialize();
  else await runMigrations(ds);
  return {
    ds,
    file,
    async countStatements(fn) {
      const statements: string[] = [];
      recording = statements;
      try {
        return { result: await fn(), statements };
      } finally {
        recording = null;
      }
    },
    async close() {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
