import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';

const { text } = columns;

/** A queued message keeps the provider options its sender asked for (the OpenAI door's temperature, ...). */
export class AddQueuedTurnOptions1796700000000 implements MigrationInterface {
  name = 'AddQueuedTurnOptions1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('queued_messages', new TableColumn(text('turn_options', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('queued_messages', 'turn_options');
  }
}
