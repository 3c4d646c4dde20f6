import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createPostgresMessageSearch,
  dropPostgresMessageSearch,
  moveSqliteSearchToBatches,
  moveSqliteSearchToTriggers,
  SQLITE_DRIVERS,
} from '../message-search-fts';

/**
 * Message search indexing. SQLite: the search index is filled in batches outside the turn's
 * transaction instead of by triggers on every write (`messages.search_indexed` marks what it
 * holds; deletions and edits still leave it at once). PostgreSQL: real full-text search (a GIN
 * index over a tsvector) instead of ILIKE; `search_indexed` exists there too, for the shared
 * entity, and stays false (the database keeps its own index).
 */
export class AddMessageSearchIndexing1797400000000 implements MigrationInterface {
  name = 'AddMessageSearchIndexing1797400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (SQLITE_DRIVERS.has(queryRunner.connection.options.type)) return moveSqliteSearchToBatches(queryRunner);
    await queryRunner.query(`ALTER TABLE "messages" ADD COLUMN "search_indexed" boolean NOT NULL DEFAULT false`);
    await createPostgresMessageSearch(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (SQLITE_DRIVERS.has(queryRunner.connection.options.type)) return moveSqliteSearchToTriggers(queryRunner);
    await dropPostgresMessageSearch(queryRunner);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "search_indexed"`);
  }
}
