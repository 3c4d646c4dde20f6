import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Who made a change: `memory_history.actor_id` holds the person id of a user edit or move (the
 * owner for the API and the dashboard, the speaker for a conversation's tools and commands). Older
 * rows keep NULL (unknown). `down` drops the column.
 */
export class AddMemoryHistoryActor1797000000000 implements MigrationInterface {
  name = 'AddMemoryHistoryActor1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('memory_history', new TableColumn({ name: 'actor_id', type: 'varchar', length: '64', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('memory_history', 'actor_id');
  }
}
