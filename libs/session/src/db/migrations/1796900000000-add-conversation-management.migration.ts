import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createSqliteMessageSearch, dropSqliteMessageSearch, SQLITE_DRIVERS } from '../message-search-fts';

/**
 * Conversation management: `archived` and `pinned` on sessions, and (SQLite) the full-text index
 * of user and assistant messages, filled with the existing history. PostgreSQL searches with
 * ILIKE instead (no index table).
 */
export class AddConversationManagement1796900000000 implements MigrationInterface {
  name = 'AddConversationManagement1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: TypeORM's SQLite addColumn rebuilds the table (and would cascade-delete children).
    const sqlite = SQLITE_DRIVERS.has(queryRunner.connection.options.type);
    const no = sqlite ? '(0)' : 'false';
    await queryRunner.query(`ALTER TABLE "sessions" ADD COLUMN "archived" boolean NOT NULL DEFAULT ${no}`);
    await queryRunner.query(`ALTER TABLE "sessions" ADD COLUMN "pinned" boolean NOT NULL DEFAULT ${no}`);
    if (sqlite) await createSqliteMessageSearch(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (SQLITE_DRIVERS.has(queryRunner.connection.options.type)) await dropSqliteMessageSearch(queryRunner);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "pinned"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "archived"`);
  }
}
