import type { DataSource } from 'typeorm';
import { openPostgresTestDatabase, openSqliteTestDatabase } from '@switchboard/persistence/testing';
import { memoryEntities, memoryMigrations } from '../db/memory-schema';
import { MemorySettingsStore } from '../store/memory-settings.store';
import { MemoryStore } from '../store/memory.store';
import { createTransactionRunner, type TransactionRunner } from '@switchboard/persistence';

/** The two databases the memory store runs on. */
export type MemoryTestDialect = 'sqlite' | 'postgres';

/** Both dialects, for `describe.each(MEMORY_TEST_DIALECTS)`. */
export const MEMORY_TEST_DIALECTS: readonly MemoryTestDialect[] = ['sqlite', 'postgres'];

export interface MemoryTestDb {
  ds: DataSource;
  dialect: MemoryTestDialect;
  runner: TransactionRunner;
  store: MemoryStore;
  settings: MemorySettingsStore;
  /** Every column of every memory table (vectors included) and every term the full-text index knows, concatenated (to prove something is gone). */
  dump(): Promise<string>;
  /** Runs SQL written with `?` placeholders (SQLite's) on either dialect. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * A migrated memory database: a real SQLite file in a temp dir (the app's pragmas: WAL, secure
 * delete), or a fresh database on the test run's PostgreSQL cluster.
 */
export async function openMemoryTestDb(opts: { migrate?: boolean; dialect?: MemoryTestDialect } = {}): Promise<MemoryTestDb> {
  const dialect = opts.dialect ?? 'sqlite';
  const options = { entities: memoryEntities, migrations: memoryMigrations, migrate: opts.migrate };
  const db = dialect === 'postgres' ? await openPostgresTestDatabase(options) : await openSqliteTestDatabase(options);
  const { ds } = db;
  const runner = createTransactionRunner(ds);
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    let i = 0;
    const text = dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++i}`) : sql;
    return (await ds.query(text, params)) as T[];
  };
  return {
    ds,
    dialect,
    runner,
    store: MemoryStore.create(ds, runner),
    settings: new MemorySettingsStore(ds, runner),
    query,
    async dump() {
      const parts: string[] = [];
      for (const table of ['memories', 'memory_history', 'memory_settings', 'memory_embeddings']) {
        const rows: Array<Record<string, unknown>> = await ds.query(`SELECT * FROM "${table}"`);
        parts.push(JSON.stringify(rows));
      }
      // What the index itself holds: FTS5's vocabulary, or every lexeme of the tsvector column.
      const vocab: Array<{ term: string }> =
        dialect === 'postgres'
          ? await ds.query(`SELECT word AS term FROM ts_stat('SELECT search_vector FROM memories WHERE search_vector IS NOT NULL')`)
          : await ds.query(`SELECT term FROM memories_fts_vocab`);
      parts.push(vocab.map((v) => v.term).join(' '));
      return parts.join('\n');
    },
    close: db.close,
  };
}
