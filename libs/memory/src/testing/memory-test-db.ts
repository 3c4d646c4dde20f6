import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
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

/** A real SQLite file in a temp dir, migrated with the real memory migration. */
export async function openMemoryTestDb(opts: { migrate?: boolean } = {}): Promise<MemoryTestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-memory-'));
  const file = join(dir, 'memory.sqlite');
  const ds = new DataSource({ type: 'better-sqlite3', database: file, entities: memoryEntities, migrations: memoryMigrations, synchronize: false });
  await ds.initialize();
  if (opts.migrate !== false) await ds.runMigrations({ transaction: 'each' });
  const runner = createTransactionRunner(ds);
  return {
    ds,
    file,
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
    async close() {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
