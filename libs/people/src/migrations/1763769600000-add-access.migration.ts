import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';

const { str, timestamp } = columns;

/** Access control for the doors: pairing requests (one-time codes with an expiry) and approved users. */
export class AddAccess1763769600000 implements MigrationInterface {
  name = 'AddAccess1763769600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'access_pairings',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('channel', 16),
          str('user_id', 64),
          str('code', 16),
          str('username', 100, true),
          str('display_name', 200, true),
          str('status', 16),
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('resolved_at', true),
        ],
        uniques: [
          { name: 'uq_access_pairings_channel_user', columnNames: ['channel', 'user_id'] },
          { name: 'uq_access_pairings_channel_code', columnNames: ['channel', 'code'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'access_users',
        columns: [
          { ...str('channel', 16), isPrimary: true, primaryKeyConstraintName: 'pk_access_users' },
          { ...str('user_id', 64), isPrimary: true, primaryKeyConstraintName: 'pk_access_users' },
          str('username', 100, true),
          str('display_name', 200, true),
          str('via', 16),
          timestamp('approved_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('access_users', true);
    await queryRunner.dropTable('access_pairings', true);
  }
}
