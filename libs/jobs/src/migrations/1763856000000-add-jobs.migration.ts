import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';

const { bool, int, str, text, timestamp } = columns;

/**
 * Scheduled jobs. The target session is not a foreign key: a job may name a (channel, peer)
 * whose session does not exist yet, and deleting a session must not delete (or block on) a job.
 */
export class AddJobs1763856000000 implements MigrationInterface {
  name = 'AddJobs1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'jobs',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('name', 100),
          str('schedule_kind', 16),
          str('cron', 200, true),
          str('timezone', 100, true),
          int('every_seconds', true),
          text('prompt'),
          str('target_session_id', 36, true),
          str('target_channel', 16, true),
          str('target_peer_id', 200, true),
          str('model', 200, true),
          bool('enabled'),
          bool('config_enabled', true),
          str('source', 16),
          timestamp('next_run_at', true),
          timestamp('last_run_at', true),
          str('last_status', 16, true),
          text('last_error', true),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        uniques: [{ name: 'uq_jobs_name', columnNames: ['name'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('jobs', true);
  }
}
