import type { EntityManager } from 'typeorm';
import { ErrorCode, SwitchboardError, type Channel, type Job, type JobRunStatus, type JobSource } from '@switchboard/protocol';
import { inTransaction, runWrite, selectRows, newId } from '@switchboard/persistence';
import { JobEntity } from './job.entity';
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
    return inTransaction(this.manager, async (m) => {
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
  }

  /** Applies the patch; JOB_NOT_FOUND when missing, VALIDATION_FAILED when a new name is taken. */
  async update(id: string, patch: JobPatch, now: Date = new Date()): Promise<Job> {
    return inTransaction(this.manager, async (m) => {
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
  }

  /** Deletes the job; false if it did not exist. */
  async delete(id: string): Promise<boolean> {
    const result = await runWrite(this.manager, (m) => m.createQueryBuilder().delete().from(JobEntity).where('"id" = :id', { id }).execute());
    return Boolean(result.affected);
  }

  /**
   * Marks a run as started (`running`, last_run_at, and for a scheduled run its next slot) in one
   * step; null when the job is gone, or disabled and `requireEnabled` (a timer that lost a race).
   */
  async beginRun(id: string, opts: { at: Date; nextRunAt?: string; requireEnabled: boolean }): Promise<Job | null> {
    return inTransaction(this.manager, async (m) => {
      const row = await this.row(m, 'id', id);
      if (!row || (opts.requireEnabled && !bool(row.enabled))) return null;
      const at = opts.at.toISOString();
      const set: Partial<JobEntity> = { lastRunAt: at, lastStatus: 'running', lastError: null, updatedAt: at };
      if (opts.nextRunAt !== undefined) set.nextRunAt = opts.nextRunAt;
      await m.createQueryBuilder().update(JobEntity).set(set).where('"id" = :id', { id }).execute();
      return toJob((await this.row(m, 'id', id))!);
    });
  }

  /** Crash recovery: runs left `running` by a restart become `interrupted`; returns their ids. */
  async markRunningInterrupted(now: Date = new Date()): Promise<string[]> {
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
      return rows.map((r) => r.id);
    });
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
