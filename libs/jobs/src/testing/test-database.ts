import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createSqliteDataSource, runMigrations } from '@switchboard/persistence';
import { jobsEntities, jobsMigrations } from '../jobs-schema';

export interface TestDatabase {
  ds: DataSource;
  close(): Promise<void>;
}

/** A real SQLite file in a fresh temp dir with libs/jobs' table, migrated with its real migration. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-jobs-'));
  const ds = createSqliteDataSource({ file: join(dir, 'switchboard.sqlite'), entities: jobsEntities, migrations: jobsMigrations });
  await runMigrations(ds);
  return {
    ds,
    async close() {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
