import type { DataSource } from 'typeorm';
import { openSqliteTestDatabase } from '@switchboard/persistence/testing';
import { memoryEntities, memoryMigrations } from '../db/memory-schema';
import { MemorySettingsStore } from '../store/memory-settings.store';
import { MemoryStore } from '../store/memory.store';
import { createTransactionRunner, type TransactionRunner } from '@switchboard/persistence';

export interface MemoryTestDb {
  ds: DataSource;
  file: string;
  runner: TransactionRunner;
  store: MemoryStore;
  settings: MemorySettingsStore;
  /** Every text column of every memory table, concatenated (to prove something is gone). */
  dump(): Promise<string>;
  close(): Promise<void>;
}

/** A real SQLite file in a temp dir (the app's pragmas: WAL, secure delete), migrated with the real memory migrations. */
export async function openMemoryTestDb(opts: { migrate?: boolean } = {}): Promise<MemoryTestDb> {
  const db = await openSqliteTestDatabase({ entities: memoryEntities, migrations: memoryMigrations, migrate: opts.migrate });
  const { ds } = db;
  const runner = createTransactionRunner(ds);
  return {
    ds,
    file: db.file,
    runner,
    store: MemoryStore.create(ds, runner),
    settings: new MemorySettingsStore(ds, runner),
    async dump() {
      const parts: string[] = [];
      for (const table of ['memories', 'memory_history', 'memory_settings']) {
        const rows: Array<Record<string, unknown>> = await ds.query(`SELECT * FROM "${table}"`);
        parts.push(JSON.stringify(rows));
      }
      const vocab: Array<{ term: string }> = await ds.query(`SELECT term FROM memories_fts_vocab`);
      parts.push(vocab.map((v) => v.term).join(' '));
      return parts.join('\n');
    },
    close: db.close,
  };
}
