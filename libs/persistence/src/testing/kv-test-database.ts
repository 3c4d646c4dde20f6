import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import { createSqliteDataSource } from '../sqlite-data-source';
import { runWrite } from '../transaction-runner';

/** A real SQLite file in a fresh temp dir with one key/value table, for the lib's own tests. */
export interface KvTestDatabase {
  ds: DataSource;
  file: string;
  close(): Promise<void>;
}

export async function openKvTestDatabase(): Promise<KvTestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-persistence-'));
  const file = join(dir, 'test.sqlite');
  const ds = createSqliteDataSource({ file, entities: [], migrations: [] });
  await ds.initialize();
  await ds.query('CREATE TABLE "kv" ("key" varchar PRIMARY KEY NOT NULL, "value" text NOT NULL)');
  return {
    ds,
    file,
    async close() {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads and writes the `kv` table through a manager (inside or outside a transaction). */
export function kv(manager: EntityManager) {
  return {
    async get(key: string): Promise<string | null> {
      const rows = (await manager.query('SELECT "value" FROM "kv" WHERE "key" = ?', [key])) as Array<{ value: string }>;
      return rows[0]?.value ?? null;
    },
    async set(key: string, value: string): Promise<void> {
      await runWrite(manager, (m) => m.query('INSERT INTO "kv" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"', [key, value]));
    },
    async all(): Promise<Record<string, string>> {
      const rows = (await manager.query('SELECT "key", "value" FROM "kv" ORDER BY "key"')) as Array<{ key: string; value: string }>;
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
  };
}
