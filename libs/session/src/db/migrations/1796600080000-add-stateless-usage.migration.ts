import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';

const { str } = columns;

const isPostgres = (queryRunner: QueryRunner) => queryRunner.connection.driver.options.type === 'postgres';

/**
 * Usage without a conversation: a stateless OpenAI-door call stores nothing but its usage, so
 * `session_id` becomes nullable and the row carries its own `channel` and the `person` the call
 * was made for (the request's `user`). Rows of a session keep `channel` null (the session has it).
 */
export class AddStatelessUsage1796600080000 implements MigrationInterface {
  name = 'AddStatelessUsage1796600080000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // SQLite rebuilds the table here (keeping its foreign key and index). On PostgreSQL TypeORM's
    // changeColumn drops and re-adds the column (losing its foreign key), so NOT NULL is dropped in place.
    if (isPostgres(queryRunner)) await queryRunner.query(`ALTER TABLE "usage_records" ALTER COLUMN "session_id" DROP NOT NULL`);
    else await queryRunner.changeColumn('usage_records', 'session_id', new TableColumn(str('session_id', 36, true)));
    await queryRunner.addColumn('usage_records', new TableColumn(str('channel', 16, true)));
    await queryRunner.addColumn('usage_records', new TableColumn(str('person', 200, true)));
    await queryRunner.createIndex('usage_records', new TableIndex({ name: 'idx_usage_records_created_at', columnNames: ['created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Stateless rows cannot exist under the old schema: they go with it.
    await queryRunner.query(`DELETE FROM "usage_records" WHERE "session_id" IS NULL`);
    await queryRunner.dropIndex('usage_records', 'idx_usage_records_created_at');
    await queryRunner.dropColumn('usage_records', 'person');
    await queryRunner.dropColumn('usage_records', 'channel');
    if (isPostgres(queryRunner)) await queryRunner.query(`ALTER TABLE "usage_records" ALTER COLUMN "session_id" SET NOT NULL`);
    else await queryRunner.changeColumn('usage_records', 'session_id', new TableColumn(str('session_id', 36)));
  }
}
