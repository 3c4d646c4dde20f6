import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { createSqliteDataSource, runMigrations } from '../sqlite-data-source';

/** A real SQLite file in a fresh temp dir, for a lib's tests. */
export interface SqliteTestDatabase {
  ds: DataSource;
  file: string;
  /** Closes the connection and deletes the temp directory. */
  close(): Promise<void>;
}

/** Opens a temp SQLite file with a lib's entities and migrations, migrated with them unless `migrate: false`. */
export async function openSqliteTestDatabase(options: {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  migrate?: boolean;
  trace?: (sql: string) => void;
}): Promise<SqliteTestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const file = join(dir, 'switchboard.sqlite');
  const ds = createSqliteDataSource({ file, entities: options.entities, migrations: options.migrations, ...(options.trace ? { trace: options.trace } : {}) });
  if (options.migrate === false) await ds.initialize();
  else await runMigrations(ds);
  return {
    ds,
    file,
    async close() {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
