import type { EntityManager } from 'typeorm';
import {
  ErrorCode,
  JOB_RUNS_KEPT,
  SwitchboardError,
  scrubSecretShapes,
  type Channel,
  type Job,
  type JobRun,
  type JobRunStatus,
  type JobRunTrigger,
  type JobSource,
} from '@switchboard/protocol';
import { inTransaction, isUniqueViolation, runWrite, selectRows, newId } from '@switchboard/persistence';
import { JobEntity } from './job.entity';
import { JobRunEntity } from './job-run.entity';
import type { JobSchedule } from './job-schedule';

/** Where a job's prompt goes: an existing session, or the session of a (channel, peer), created on demand. */
export type JobTarget = { sessionId: string } | { channel: Channel; peerId: string };

/** A job made concrete: one schedule, one target, defaults applied (from the API or the config file). */
export interface JobSpec {
  name: string;
  schedule: JobSchedule;
  prompt: string;
  target: JobTarget;
  model: string | null;
  enabled: boolean;
}

export interface NewJobInput extends JobSpec {
  source: JobSource;
  nextRunAt: string | null;
}

/** What `JobStore.update` may change; every update also sets updated_at. */
export interface JobPatch extends Partial<JobSpec> {
  nextRunAt?: string | null;
  lastRunAt?: string | null;
  lastStatus?: JobRunStatus | null;
  lastError?: string | null;
}

/** A job as the config file defines it (validated by the caller). */
export type ConfigJobInput = JobSpec;

/** What a config sync changed, by job name. */
export interface ConfigSyncResult {
  created: string[];
  updated: string[];
  /** API jobs whose name a config job now uses: they become config jobs. */
  adopted: string[];
  removed: string[];
}

interface JobRow {
  id: string;
  name: string;
  schedule_kind: 'cron' | 'interval';
  cron: string | null;
  timezone: string | null;
  every_seconds: number | string | null;
  prompt: string;
  target_session_id: string | null;
  target_channel: Channel | null;
  target_peer_id: string | null;
  model: string | null;
  enabled: number | boolean | string;
  config_enabled: number | boolean | string | null;
  source: JobSource;
  next_run_at: string | null;
  last_run_at: string | null;
  last_status: JobRunStatus | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `"id", "name", "schedule_kind", "cron", "timezone", "every_seconds", "prompt", "target_session_id",
  "target_channel", "target_peer_id", "model", "enabled", "config_enabled", "source", "next_run_at", "last_run_at",
  "last_status", "last_error", "created_at", "updated_at"`;

// SQLite hands booleans back as 0/1, PostgreSQL as true/false.
function bool(value: number | boolean | string | null): boolean | null {
  if (value === null) return null;
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    name: row.name,
    cron: row.schedule_kind === 'cron' ? row.cron : null,
    timezone: row.schedule_kind === 'cron' ? row.timezone : null,
    everySeconds: row.schedule_kind === 'interval' && row.every_seconds !== null ? Number(row.every_seconds) : null,
    prompt: row.prompt,
    sessionId: row.target_session_id,
    session: row.target_channel && row.target_peer_id ? { channel: row.target_channel, peerId: row.target_peer_id } : null,
    model: row.model,
    enabled: bool(row.enabled) ?? false,
    source: row.source,
    nextRunAt: row.next_run_at,
    lastRunAt: row.last_run_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

interface JobRunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  status: JobRunStatus;
  error: string | null;
  session_id: string | null;
  trigger: JobRunTrigger;
}

const RUN_COLUMNS = `"id", "started_at", "finished_at", "status", "error", "session_id", "trigger"`;

/** The longest error a run keeps (the job's own last_error is unchanged). */
export const JOB_RUN_ERROR_MAX_CHARS = 500;

/** A run's error as stored: secret shapes scrubbed, cut short. */
export function runErrorText(error: string | null): string | null {
  if (error === null) return null;
  const scrubbed = scrubSecretShapes(error);
  return scrubbed.length > JOB_RUN_ERROR_MAX_CHARS ? scrubbed.slice(0, JOB_RUN_ERROR_MAX_CHARS - 1) + '…' : scrubbed;
}

function toJobRun(row: JobRunRow): JobRun {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    error: row.error,
    sessionId: row.session_id,
    trigger: row.trigger,
  };
}

/** The start of a run in the history. */
export interface JobRunStart {
  /** The run's id (made up when absent). */
  id?: string;
  at: Date;
  trigger: JobRunTrigger;
  /** `running` until finished; a skipped run is recorded `missed`, already finished. */
  status?: JobRunStatus;
  error?: string | null;
  sessionId?: string | null;
}

/** The end of a run in the history. */
export interface JobRunEnd {
  at: Date;
  status: JobRunStatus;
  error: string | null;
  sessionId: string | null;
}

function scheduleColumns(schedule: JobSchedule): Pick<JobEntity, 'scheduleKind' | 'cron' | 'timezone' | 'everySeconds'> {
  return schedule.kind === 'cron'
    ? { scheduleKind: 'cron', cron: schedule.cron, timezone: schedule.timezone, everySeconds: null }
    : { scheduleKind: 'interval', cron: null, timezone: null, everySeconds: schedule.everySeconds };
}

function targetColumns(target: JobTarget): Pick<JobEntity, 'targetSessionId' | 'targetChannel' | 'targetPeerId'> {
  return 'sessionId' in target
    ? { targetSessionId: target.sessionId, targetChannel: null, targetPeerId: null }
    : { targetSessionId: null, targetChannel: target.channel, targetPeerId: target.peerId };
}

function sameSchedule(row: JobRow, schedule: JobSchedule): boolean {
  const cols = scheduleColumns(schedule);
  const every = row.every_seconds === null ? null : Number(row.every_seconds);
  return row.schedule_kind === cols.scheduleKind && row.cron === cols.cron && row.timezone === cols.timezone && every === cols.everySeconds;
}

function notFound(id: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.JOB_NOT_FOUND, `Job ${id} does not exist`, { jobId: id });
}

// Any fixed number: the PostgreSQL advisory lock replicas take while one of them syncs the config file's jobs.
const CONFIG_SYNC_LOCK_KEY = 7_301_946_112;

function nameTaken(name: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.VALIDATION_FAILED, `name: a job named "${name}" already exists`, { field: 'name' });
}

/** Scheduled jobs: CRUD, run bookkeeping, and the upsert of the config file's jobs by name. */
export class JobStore {
  constructor(private readonly manager: EntityManager) {}

  /** Every job, by name. */
  async list(): Promise<Job[]> {
    const rows = await selectRows<JobRow>(this.manager, `SELECT ${COLUMNS} FROM "jobs" ORDER BY "name" ASC, "id" ASC`);
    return rows.map(toJob);
  }

  /** The job, or null. */
  async get(id: string): Promise<Job | null> {
    const row = await this.row(this.manager, 'id', id);
    return row ? toJob(row) : null;
  }

  /** The job, or a JOB_NOT_FOUND error. */
  async require(id: string): Promise<Job> {
    const job = await this.get(id);
    if (!job) throw notFound(id);
    return job;
  }

  /** The job with this name, or null. */
  async findByName(name: string): Promise<Job | null> {
    const row = await this.row(this.manager, 'name', name);
    return row ? toJob(row) : null;
  }

  /** Stores a new job; VALIDATION_FAILED (field `name`) when the name is taken. */
  async create(input: NewJobInput, now: Date = new Date()): Promise<Job> {
    const id = newId();
    const at = now.toISOString();
    const created = inTransaction(this.manager, async (m) => {
      if (await this.row(m, 'name', input.name)) throw nameTaken(input.name);
      await m
        .createQueryBuilder()
        .insert()
        .into(JobEntity)
        .values({
          id,
          name: input.name,
          ...scheduleColumns(input.schedule),
          prompt: input.prompt,
          ...targetColumns(input.target),
          model: input.model,
          enabled: input.enabled,
          configEnabled: input.source === 'config' ? input.enabled : null,
          source: input.source,
          nextRunAt: input.nextRunAt,
          lastRunAt: null,
          lastStatus: null,
          lastError: null,
          createdAt: at,
          updatedAt: at,
        })
        .execute();
      return toJob((await this.row(m, 'id', id))!);
    });
    // Another replica may create the same name between the check and the insert.
    return created.catch((err: unknown) => {
      throw isUniqueViolation(err) ? nameTaken(input.name) : err;
    });
  }

  /** Applies the patch; JOB_NOT_FOUND when missing, VALIDATION_FAILED when a new name is taken. */
  async update(id: string, patch: JobPatch, now: Date = new Date()): Promise<Job> {
    const updated = inTransaction(this.manager, async (m) => {
      const current = await this.row(m, 'id', id);
      if (!current) throw notFound(id);
      if (patch.name !== undefined && patch.name !== current.name && (await this.row(m, 'name', patch.name))) throw nameTaken(patch.name);
      const set: Partial<JobEntity> = { updatedAt: now.toISOString() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.schedule !== undefined) Object.assign(set, scheduleColumns(patch.schedule));
      if (patch.prompt !== undefined) set.prompt = patch.prompt;
      if (patch.target !== undefined) Object.assign(set, targetColumns(patch.target));
      if (patch.model !== undefined) set.model = patch.model;
      if (patch.enabled !== undefined) set.enabled = patch.enabled;
      if (patch.nextRunAt !== undefined) set.nextRunAt = patch.nextRunAt;
      if (patch.lastRunAt !== undefined) set.lastRunAt = patch.lastRunAt;
      if (patch.lastStatus !== undefined) set.lastStatus = patch.lastStatus;
      if (patch.lastError !== undefined) set.lastError = patch.lastError;
      await m.createQueryBuilder().update(JobEntity).set(set).where('"id" = :id', { id }).execute();
      return toJob((await this.row(m, 'id', id))!);
    });
    return updated.catch((err: unknown) => {
      throw patch.name !== undefined && isUniqueViolation(err) ? nameTaken(patch.name) : err;
    });
  }

  /** Deletes the job; false if it did not exist. */
  async delete(id: string): Promise<boolean> {
    const result = await runWrite(this.manager, (m) => m.createQueryBuilder().delete().from(JobEntity).where('"id" = :id', { id }).execute());
    return Boolean(result.affected);
  }

  /**
   * Marks a run as started (`running`, last_run_at, and for a scheduled run its next slot) in one
   * step, with `run` also recording it in the history; null when the job is gone, or disabled
   * and `requireEnabled` (a timer that lost a race). With `due`, the start is a claim of that
   * slot (compare-and-set on next_run_at): null when next_run_at is no longer `due` because
   * another replica (or an edit) moved it, so each due time runs once across replicas. `lease`:
   * the replica running it and until when (renewed with renewRunLeases, see markRunningInterrupted);
   * a start with a lease (a scheduled claim or a manual run) does not happen while a run of the
   * job is held under another live lease (null), so runs of one job never overlap across replicas.
   */
  async beginRun(
    id: string,
    opts: {
      at: Date;
      nextRunAt?: string;
      requireEnabled: boolean;
      due?: string;
      run?: { id: string; trigger: JobRunTrigger };
      lease?: { replicaId: string; until: Date };
    },
  ): Promise<Job | null> {
    return inTransaction(this.manager, async (m) => {
      const row = await this.row(m, 'id', id);
      if (!row || (opts.requireEnabled && !bool(row.enabled))) return null;
      const at = opts.at.toISOString();
      const set: Partial<JobEntity> = {
        lastRunAt: at,
        lastStatus: 'running',
        lastError: null,
        updatedAt: at,
        runId: opts.run?.id ?? null,
        runReplica: opts.lease?.replicaId ?? null,
        runLeaseUntil: opts.lease?.until.toISOString() ?? null,
      };
      if (opts.nextRunAt !== undefined) set.nextRunAt = opts.nextRunAt;
      const update = m.createQueryBuilder().update(JobEntity).set(set).where('"id" = :id', { id });
      if (opts.due !== undefined) update.andWhere('"next_run_at" = :due', { due: opts.due });
      if (opts.lease) update.andWhere(`NOT ("last_status" = 'running' AND "run_lease_until" IS NOT NULL AND "run_lease_until" >= :at)`, { at });
      const result = await update.execute();
      // The row lock makes a second replica's update wait and then match nothing.
      if ((opts.due !== undefined || opts.lease) && !result.affected) return null;
      // With `run`, the run's start goes into the history in the same step.
      if (opts.run) await this.insertRun(m, id, { id: opts.run.id, at: opts.at, trigger: opts.run.trigger });
      return toJob((await this.row(m, 'id', id))!);
    });
  }

  /**
   * Claims a due run that is skipped (missed for longer than the grace window): status `missed`,
   * `error`, next slot, and a `missed` run in the history, only if next_run_at is still `due`.
   * Null when another replica (or an edit) got there first: it is recorded once.
   */
  async skipRun(id: string, opts: { due: string; at: Date; nextRunAt: string; error: string }): Promise<Job | null> {
    return inTransaction(this.manager, async (m) => {
      const at = opts.at.toISOString();
      const result = await m
        .createQueryBuilder()
        .update(JobEntity)
        .set({ lastStatus: 'missed', lastError: opts.error, nextRunAt: opts.nextRunAt, updatedAt: at })
        .where('"id" = :id AND "next_run_at" = :due', { id, due: opts.due })
        .execute();
      if (!result.affected) return null;
      await this.insertRun(m, id, { at: opts.at, trigger: 'schedule', status: 'missed', error: opts.error });
      return toJob((await this.row(m, 'id', id))!);
    });
  }

  /**
   * Gives an enabled job without a next run its next run, unless another replica did meanwhile;
   * returns the job as stored (with whichever next run won), or null when it is gone.
   */
  async setNextRunIfUnset(id: string, nextRunAt: string, now: Date = new Date()): Promise<Job | null> {
    return inTransaction(this.manager, async (m) => {
      await m
        .createQueryBuilder()
        .update(JobEntity)
        .set({ nextRunAt, updatedAt: now.toISOString() })
        .where('"id" = :id AND "next_run_at" IS NULL', { id })
        .execute();
      const row = await this.row(m, 'id', id);
      return row ? toJob(row) : null;
    });
  }

  /**
   * How run `runId` ended, on the job (status, error; its lease goes). When another run of the
   * job started meanwhile (on another replica), the job keeps showing that one; the history
   * (finishRun) has both. Null when the job is gone.
   */
  async endRun(id: string, runId: string, outcome: { status: JobRunStatus; error: string | null }, now: Date = new Date()): Promise<Job | null> {
    return inTransaction(this.manager, async (m) => {
      await m
        .createQueryBuilder()
        .update(JobEntity)
        .set({ lastStatus: outcome.status, lastError: outcome.error, runId: null, runReplica: null, runLeaseUntil: null, updatedAt: now.toISOString() })
        .where('"id" = :id AND ("run_id" = :runId OR "run_id" IS NULL)', { id, runId })
        .execute();
      const row = await this.row(m, 'id', id);
      return row ? toJob(row) : null;
    });
  }

  /** Extends the leases of the runs `replicaId` has in flight (those still its own). */
  async renewRunLeases(replicaId: string, runIds: readonly string[], until: Date): Promise<void> {
    if (runIds.length === 0) return;
    await runWrite(this.manager, (m) =>
      m
        .createQueryBuilder()
        .update(JobEntity)
        .set({ runLeaseUntil: until.toISOString() })
        .where('"run_replica" = :replicaId AND "run_id" IN (:...runIds)', { replicaId, runIds: [...runIds] })
        .execute(),
    );
  }

  /**
   * Crash recovery: runs left `running` by a restart become `interrupted`; returns their job ids.
   * With `replica` (several replicas share the database), only runs nobody is running any more:
   * lapsed leases and runs without a lease, and with `restarted` this replica's own from before
   * its restart; live runs (leases still held) are left alone.
   */
  async markRunningInterrupted(now: Date = new Date(), replica?: { id: string; restarted: boolean }): Promise<string[]> {
    if (replica) return this.markLapsedRunsInterrupted(now, replica.id, replica.restarted);
    return inTransaction(this.manager, async (m) => {
      const rows = await selectRows<{ id: string }>(m, `SELECT "id" FROM "jobs" WHERE "last_status" = 'running' ORDER BY "id"`);
      if (rows.length) {
        await m
          .createQueryBuilder()
          .update(JobEntity)
          .set({ lastStatus: 'interrupted', lastError: 'The run was cut short by a restart.', updatedAt: now.toISOString() })
          .where(`"last_status" = 'running'`)
          .execute();
      }
      await m
        .createQueryBuilder()
        .update(JobRunEntity)
        .set({ status: 'interrupted', error: 'The run was cut short by a restart.', finishedAt: now.toISOString() })
        .where(`"status" = 'running'`)
        .execute();
      return rows.map((r) => r.id);
    });
  }

  private markLapsedRunsInterrupted(now: Date, replicaId: string, restarted: boolean): Promise<string[]> {
    const at = now.toISOString();
    const error = restarted ? 'The run was cut short by a restart.' : 'The run was cut short: the replica running it stopped.';
    // After a restart nothing of this replica's is still running; meanwhile its own runs are live.
    const mine = `"run_replica" = :replicaId`;
    return inTransaction(this.manager, async (m) => {
      const params = { replicaId, now: at };
      const lapsed = `"last_status" = 'running' AND ("run_replica" IS NULL OR "run_lease_until" IS NULL OR "run_lease_until" < :now${restarted ? ` OR ${mine}` : ''})`;
      const rows = await selectRows<{ id: string }>(m, `SELECT "id" FROM "jobs" WHERE ${lapsed} ORDER BY "id"`, params);
      if (rows.length) {
        await m
          .createQueryBuilder()
          .update(JobEntity)
          .set({ lastStatus: 'interrupted', lastError: error, runId: null, runReplica: null, runLeaseUntil: null, updatedAt: at })
          .where('"id" IN (:...ids)', { ids: rows.map((r) => r.id) })
          .execute();
      }
      // Every history row still `running` except the runs live replicas hold a lease on.
      const live = `SELECT "run_id" FROM "jobs" WHERE "last_status" = 'running' AND "run_id" IS NOT NULL AND "run_lease_until" >= :now${restarted ? ` AND NOT ${mine}` : ''}`;
      await m
        .createQueryBuilder()
        .update(JobRunEntity)
        .set({ status: 'interrupted', error, finishedAt: at })
        .where(`"status" = 'running' AND "id" NOT IN (${live})`, params)
        .execute();
      return rows.map((r) => r.id);
    });
  }

  /**
   * Records the start of a run in the job's history (and prunes it to the last 50 in the same
   * write); JOB_NOT_FOUND when the job is gone.
   */
  async startRun(jobId: string, start: JobRunStart): Promise<JobRun> {
    return inTransaction(this.manager, async (m) => {
      if (!(await this.row(m, 'id', jobId))) throw notFound(jobId);
      const id = await this.insertRun(m, jobId, start);
      return toJobRun((await this.runRow(m, id))!);
    });
  }

  /** Records how a run ended; null when it is gone (its job was deleted, or it was pruned). */
  async finishRun(runId: string, end: JobRunEnd): Promise<JobRun | null> {
    return inTransaction(this.manager, async (m) => {
      if (!(await this.runRow(m, runId))) return null;
      await m
        .createQueryBuilder()
        .update(JobRunEntity)
        .set({ finishedAt: end.at.toISOString(), status: end.status, error: runErrorText(end.error), sessionId: end.sessionId })
        .where('"id" = :id', { id: runId })
        .execute();
      return toJobRun((await this.runRow(m, runId))!);
    });
  }

  /** The job's runs, newest first (at most `limit`, and never more than the 50 kept). */
  async listRuns(jobId: string, limit = 20): Promise<JobRun[]> {
    const n = Math.max(1, Math.min(JOB_RUNS_KEPT, Math.floor(limit)));
    const rows = await selectRows<JobRunRow>(
      this.manager,
      `SELECT ${RUN_COLUMNS} FROM "job_runs" WHERE "job_id" = :jobId ORDER BY "started_at" DESC, "id" DESC LIMIT ${n}`,
      { jobId },
    );
    return rows.map(toJobRun);
  }

  private async insertRun(m: EntityManager, jobId: string, start: JobRunStart): Promise<string> {
    const id = start.id ?? newId();
    const status = start.status ?? 'running';
    await m
      .createQueryBuilder()
      .insert()
      .into(JobRunEntity)
      .values({
        id,
        jobId,
        startedAt: start.at.toISOString(),
        finishedAt: status === 'running' ? null : start.at.toISOString(),
        status,
        error: runErrorText(start.error ?? null),
        sessionId: start.sessionId ?? null,
        trigger: start.trigger,
      })
      .execute();
    // Keep the last 50 runs of the job: older ones go in the same write.
    // (Pruned on every insert, so a job has at most 51 rows here.)
    const ids = await selectRows<{ id: string }>(m, `SELECT "id" FROM "job_runs" WHERE "job_id" = :jobId ORDER BY "started_at" DESC, "id" DESC`, { jobId });
    const old = ids.slice(JOB_RUNS_KEPT);
    if (old.length) {
      await m
        .createQueryBuilder()
        .delete()
        .from(JobRunEntity)
        .where('"id" IN (:...ids)', { ids: old.map((r) => r.id) })
        .execute();
    }
    return id;
  }

  private async runRow(m: EntityManager, id: string): Promise<JobRunRow | null> {
    const rows = await selectRows<JobRunRow>(m, `SELECT ${RUN_COLUMNS} FROM "job_runs" WHERE "id" = :id`, { id });
    return rows[0] ?? null;
  }

  /**
   * Makes the config file's jobs the `config` jobs, by name: new ones are created, changed ones
   * updated (a changed schedule re-arms from now: `next_run_at` is cleared), ones no longer in the
   * file deleted. The file owns the definition; `enabled` toggled over the API survives restarts
   * until the file's own `enabled` value changes.
   */
  async syncConfigJobs(jobs: readonly ConfigJobInput[], now: Date = new Date()): Promise<ConfigSyncResult> {
    const at = now.toISOString();
    return inTransaction(this.manager, async (m) => {
      // Replicas starting together sync one after the other (else both insert a new config job and one fails to start).
      if (m.connection.driver.options.type === 'postgres') await m.query('SELECT pg_advisory_xact_lock($1)', [CONFIG_SYNC_LOCK_KEY]);
      const result: ConfigSyncResult = { created: [], updated: [], adopted: [], removed: [] };
      for (const def of jobs) {
        const row = await this.row(m, 'name', def.name);
        if (!row) {
          await new JobStore(m).create({ ...def, source: 'config', nextRunAt: null }, now);
          result.created.push(def.name);
          continue;
        }
        const adopted = row.source !== 'config';
        const fileChanged = adopted || bool(row.config_enabled) !== def.enabled;
        const enabled = fileChanged ? def.enabled : (bool(row.enabled) ?? false);
        const wasEnabled = bool(row.enabled) ?? false;
        const rearm = !sameSchedule(row, def.schedule) || enabled !== wasEnabled;
        const set: Partial<JobEntity> = {
          ...scheduleColumns(def.schedule),
          prompt: def.prompt,
          ...targetColumns(def.target),
          model: def.model,
          enabled,
          configEnabled: def.enabled,
          source: 'config',
        };
        if (rearm) set.nextRunAt = null;
        const before = toJob(row);
        await m.createQueryBuilder().update(JobEntity).set(set).where('"id" = :id', { id: row.id }).execute();
        const after = toJob((await this.row(m, 'id', row.id))!);
        if (adopted) result.adopted.push(def.name);
        else if (JSON.stringify(before) !== JSON.stringify(after)) result.updated.push(def.name);
        if (adopted || JSON.stringify(before) !== JSON.stringify(after)) {
          await m.createQueryBuilder().update(JobEntity).set({ updatedAt: at }).where('"id" = :id', { id: row.id }).execute();
        }
      }
      const names = new Set(jobs.map((j) => j.name));
      const stale = (await selectRows<{ id: string; name: string }>(m, `SELECT "id", "name" FROM "jobs" WHERE "source" = 'config' ORDER BY "name"`)).filter(
        (r) => !names.has(r.name),
      );
      for (const r of stale) {
        await m.createQueryBuilder().delete().from(JobEntity).where('"id" = :id', { id: r.id }).execute();
        result.removed.push(r.name);
      }
      return result;
    });
  }

  private async row(m: EntityManager, by: 'id' | 'name', value: string): Promise<JobRow | null> {
    const rows = await selectRows<JobRow>(m, `SELECT ${COLUMNS} FROM "jobs" WHERE "${by}" = :value`, { value });
    return rows[0] ?? null;
  }
}
