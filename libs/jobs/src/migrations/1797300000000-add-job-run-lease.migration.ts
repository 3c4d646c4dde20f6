import type { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS: Array<[name: string, length: number]> = [
  ['run_id', 36],
  ['run_replica', 100],
  ['run_lease_until', 30],
];

/**
 * Who is running a job: the run in flight (`run_id`, its history row), the replica running it
 * and until when its lease holds unless renewed. With several replicas on one database, a run
 * whose replica died is marked interrupted once its lease lapses, and a replica that restarts
 * leaves other live replicas' runs alone. Older rows keep NULL. `down` drops the columns.
 */
export class AddJobRunLease1797300000000 implements MigrationInterface {
  name = 'AddJobRunLease1797300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE on both dialects: TypeORM's SQLite addColumn rebuilds the table (and would cascade-delete job_runs).
    for (const [column, length] of COLUMNS) await queryRunner.query(`ALTER TABLE "jobs" ADD COLUMN "${column}" varchar(${length})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [column] of [...COLUMNS].reverse()) await queryRunner.query(`ALTER TABLE "jobs" DROP COLUMN "${column}"`);
  }
}
