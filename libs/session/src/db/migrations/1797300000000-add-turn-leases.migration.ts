import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';
import { sessionFk } from './session-fk';

const { str, timestamp } = columns;

/**
 * Turn leases: the replica running a session's turn holds its lease and renews it; when the
 * lease lapses (the replica died), another replica recovers the turn. One row per running turn,
 * gone with the turn (or the session).
 */
export class AddTurnLeases1797300000000 implements MigrationInterface {
  name = 'AddTurnLeases1797300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'turn_leases',
        columns: [
          { ...str('session_id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_turn_leases' },
          str('turn_id', 64),
          str('owner', 120),
          timestamp('expires_at'),
        ],
        indices: [
          { name: 'idx_turn_leases_owner', columnNames: ['owner'] },
          { name: 'idx_turn_leases_expires_at', columnNames: ['expires_at'] },
        ],
        foreignKeys: [sessionFk('turn_leases')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('turn_leases', true);
  }
}
