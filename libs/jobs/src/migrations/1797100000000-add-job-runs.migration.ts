import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';

const { str, text, timestamp } = columns;

/**
 * The run history of jobs: one row per run (the last 50 per job are kept). A new table only:
 * `jobs` is left as it is. Deleting a job deletes its runs; the session is not a foreign key.
 */
export class AddJobRuns1797100000000 implements MigrationInterface {
  name = 'AddJobRuns1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'job_runs',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('job_id', 36),
          timestamp('started_at'),
          timestamp('finished_at', true),
          str('status', 16),
          text('error', true),
          str('session_id', 36, true),
          str('trigger', 16),
        ],
        foreignKeys: [{ name: 'fk_job_runs_job', columnNames: ['job_id'], referencedTableName: 'jobs', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );
    await queryRunner.createIndex('job_runs', new TableIndex({ name: 'idx_job_runs_job_started', columnNames: ['job_id', 'started_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('job_runs', 'idx_job_runs_job_started');
    await queryRunner.dropTable('job_runs', true);
  }
}
