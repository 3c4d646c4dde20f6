import type { MigrationInterface, QueryRunner } from 'typeorm';

export const GLOBAL_RECENT_INDEX = 'idx_memories_global_recent';

/**
 * PostgreSQL only: the newest active global memories by index order. SQLite reads them in order
 * from (scope, project_id, updated_at) because the query says `project_id IS NULL`; PostgreSQL's
 * planner treats only `=` as fixing a column, so it read and sorted every global memory
 * (36 ms at 100,000 memories, against 0.1 ms with this index).
 */
export class AddMemoryGlobalRecentIndex1797400001000 implements MigrationInterface {
  name = 'AddMemoryGlobalRecentIndex1797400001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`CREATE INDEX "${GLOBAL_RECENT_INDEX}" ON "memories" ("updated_at") WHERE "scope" = 'global' AND "superseded_by" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await queryRunner.query(`DROP INDEX IF EXISTS "${GLOBAL_RECENT_INDEX}"`);
  }
}
