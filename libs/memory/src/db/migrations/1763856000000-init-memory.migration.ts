import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { createSqliteMemoryFts, dropSqliteMemoryFts } from '../fts/sqlite-memory-fts';

// Portable column helpers, as in libs/session: the tables build on SQLite and PostgreSQL alike.
const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });
const int = (name: string): TableColumnOptions => ({ name, type: 'integer', isNullable: false });
const double = (name: string): TableColumnOptions => ({ name, type: 'double precision', isNullable: false });
const timestamp = (name: string, isNullable = false): TableColumnOptions => str(name, 30, isNullable);

const SQLITE_DRIVERS = new Set(['better-sqlite3', 'sqlite', 'sqljs', 'capacitor', 'cordova', 'expo', 'nativescript', 'react-native']);

/** libs/memory's schema: memories, their history, settings, and the full-text index (SQLite FTS5; PostgreSQL's comes later). */
export class InitMemory1763856000000 implements MigrationInterface {
  name = 'InitMemory1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'memories',
        columns: [
          id(),
          int('doc_id'),
          text('content'),
          str('content_hash', 16),
          str('scope', 16),
          str('project_id', 200, true),
          str('category', 50, true),
          text('tags'),
          double('confidence'),
          str('source', 16),
          str('source_session_id', 36, true),
          str('source_message_id', 36, true),
          str('superseded_by', 36, true),
          timestamp('superseded_at', true),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_memories_doc_id', columnNames: ['doc_id'] }],
        indices: [
          { name: 'idx_memories_scope_recent', columnNames: ['scope', 'project_id', 'updated_at'] },
          { name: 'idx_memories_content_hash', columnNames: ['content_hash'] },
          { name: 'idx_memories_doc_scope', columnNames: ['doc_id', 'superseded_by', 'scope', 'project_id'] },
          { name: 'idx_memories_superseded_by', columnNames: ['superseded_by'], where: '"superseded_by" IS NOT NULL' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'memory_history',
        columns: [
          id(),
          str('memory_id', 36),
          str('action', 16),
          text('content', true),
          str('reason', 32),
          str('related_id', 36, true),
          str('session_id', 36, true),
          timestamp('created_at'),
        ],
        indices: [{ name: 'idx_memory_history_memory', columnNames: ['memory_id', 'created_at'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'memory_settings',
        columns: [{ ...str('key', 100), isPrimary: true }, text('value'), timestamp('updated_at')],
      }),
    );
    // SQLite's full-text index; PostgreSQL's is a column added by AddMemorySearchVector1797400000000.
    if (SQLITE_DRIVERS.has(queryRunner.connection.options.type)) await createSqliteMemoryFts(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (SQLITE_DRIVERS.has(queryRunner.connection.options.type)) await dropSqliteMemoryFts(queryRunner);
    await queryRunner.dropTable('memory_settings');
    await queryRunner.dropTable('memory_history');
    await queryRunner.dropTable('memories');
  }
}
