import type { EntityManager } from 'typeorm';
import { runWrite } from '../transaction-runner';
import { openSqliteTestDatabase, type SqliteTestDatabase } from './sqlite-test-database';

export type KvTestDatabase = SqliteTestDatabase;

/** A temp SQLite file with one key/value table, for the lib's own tests. */
export async function openKvTestDatabase(): Promise<KvTestDatabase> {
  const db = await openSqliteTestDatabase({ entities: [], migrations: [], migrate: false });
  await db.ds.query('CREATE TABLE "kv" ("key" varchar PRIMARY KEY NOT NULL, "value" text NOT NULL)');
  return db;
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
