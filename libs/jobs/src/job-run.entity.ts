import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { JobRunStatus, JobRunTrigger } from '@switchboard/protocol';

/** Row of `job_runs`: one run of a job (its history; the last 50 per job are kept). Never handed to callers. */
@Entity({ name: 'job_runs' })
@Index('idx_job_runs_job_started', ['jobId', 'startedAt'])
export class JobRunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 36 })
  jobId!: string;

  @Column({ name: 'started_at', type: 'varchar', length: 30 })
  startedAt!: string;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: JobRunStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The conversation the run used; not a foreign key (deleting a conversation keeps the history). */
  @Column({ name: 'session_id', type: 'varchar', length: 36, nullable: true })
  sessionId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  trigger!: JobRunTrigger;
}
