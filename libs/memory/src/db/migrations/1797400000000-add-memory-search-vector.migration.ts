import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPostgresMemoryFts, dropPostgresMemoryFts } from '../fts/postgres-memory-fts';

/**
 * Memory full-text search on PostgreSQL: a `tsvector` column on `memories` with a GIN index,
 * filled for the memories already stored (see postgres-memory-fts.ts). SQLite keeps its FTS5
 * table from the first memory migration: nothing changes there.
 */
export class AddMemorySearchVector1797400000000 implements MigrationInterface {
  name = 'AddMemorySearchVector1797400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') await createPostgresMemoryFts(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') await dropPostgresMemoryFts(queryRunner);
  }
}
