import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createSqliteDataSource, runMigrations } from '@switchboard/persistence';
import { peopleEntities, peopleMigrations } from '../people-schema';

export interface TestDatabase {
  ds: DataSource;
  file: string;
  close(): Promise<void>;
}

/** A real SQLite file in a fresh temp dir with libs/people's tables, migrated with its real migrations. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-people-'));
  const file = join(dir, 'switchboard.sqlite');
  const ds = createSqliteDataSource({ file, entities: peopleEntities, migrations: peopleMigrations });
  await runMigrations(ds);
  return {
    ds,
    file,
    async close() {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
