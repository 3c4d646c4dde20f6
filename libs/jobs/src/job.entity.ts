import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { Channel, JobRunStatus, JobSource } from '@switchboard/protocol';

/** Row of `jobs`: a scheduled prompt (cron or interval) sent to a session. Never handed to callers. */
@Entity({ name: 'jobs' })
@Unique('uq_jobs_name', ['name'])
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'schedule_kind', type: 'varchar', length: 16 })
  scheduleKind!: 'cron' | 'interval';

  @Column({ type: 'varchar', length: 200, nullable: true })
  cron!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  timezone!: string | null;

  @Column({ name: 'every_seconds', type: 'integer', nullable: true })
  everySeconds!: number | null;

  @Column({ type: 'text' })
  prompt!: string;

  /** The target: a session id, or a (channel, peer) whose session is get-or-created on each run. */
  @Column({ name: 'target_session_id', type: 'varchar', length: 36, nullable: true })
  targetSessionId!: string | null;

  @Column({ name: 'target_channel', type: 'varchar', length: 16, nullable: true })
  targetChannel!: Channel | null;

  @Column({ name: 'target_peer_id', type: 'varchar', length: 200, nullable: true })
  targetPeerId!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** Config jobs only: the file's last `enabled`, so a change in the file wins over an API toggle. */
  @Column({ name: 'config_enabled', type: 'boolean', nullable: true })
  configEnabled!: boolean | null;

  @Column({ type: 'varchar', length: 16 })
  source!: JobSource;

  @Column({ name: 'next_run_at', type: 'varchar', length: 30, nullable: true })
  nextRunAt!: string | null;

  @Column({ name: 'last_run_at', type: 'varchar', length: 30, nullable: true })
  lastRunAt!: string | null;

  @Column({ name: 'last_status', type: 'varchar', length: 16, nullable: true })
  lastStatus!: JobRunStatus | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** The run in flight (its job_runs id), the replica running it, and until when its lease holds unless renewed. */
  @Column({ name: 'run_id', type: 'varchar', length: 36, nullable: true })
  runId!: string | null;

  @Column({ name: 'run_replica', type: 'varchar', length: 100, nullable: true })
  runReplica!: string | null;

  @Column({ name: 'run_lease_until', type: 'varchar', length: 30, nullable: true })
  runLeaseUntil!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
