import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  ErrorCode,
  SwitchboardError,
  type CreateJobRequest,
  type Job,
  type JobRun,
  type RunJobResponse,
  type UpdateJobRequest,
} from '@switchboard/protocol';
import { ModelCatalog, validateModelRef } from '@switchboard/models';
import { SessionEngine } from '@switchboard/session/server';
import {
  JobStore,
  jobSpecFrom,
  nextRunAt,
  scheduleIssues,
  scheduleOf,
  type JobFieldIssue,
  type JobPatch,
  type JobSchedule,
  type JobTarget,
} from '@switchboard/jobs/server';
import { LOGGER } from '../core/tokens';
import { JobScheduler } from './job-scheduler';

function invalid(issue: JobFieldIssue): SwitchboardError {
  return new SwitchboardError(ErrorCode.VALIDATION_FAILED, `${issue.field}: ${issue.message}`, { field: issue.field });
}

function configOwned(job: Job, what: string): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.FORBIDDEN,
    `Job "${job.name}" comes from the config file: ${what} it there. Over the API it can only be enabled, disabled or run.`,
    { jobId: job.id, source: job.source },
  );
}

/** Scheduled jobs over the API: validation (cron, time zone, model, session), storage, and the scheduler. */
@Injectable()
export class JobsService {

  constructor(
    private readonly store: JobStore,
    private readonly engine: SessionEngine,
    private readonly catalog: ModelCatalog,
    private readonly scheduler: JobScheduler,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
  }

  list(): Promise<Job[]> {
    return this.store.list();
  }

  get(id: string): Promise<Job> {
    return this.store.require(id);
  }

  async create(req: CreateJobRequest): Promise<Job> {
    const { spec, issues } = jobSpecFrom(req);
    if (issues.length) throw invalid(issues[0]);
    if (spec.model !== null) validateModelRef(this.catalog, spec.model);
    await this.checkTarget(spec.target);
    const now = new Date();
    const job = await this.store.create(
      { ...spec, source: 'api', nextRunAt: spec.enabled ? nextRunAt(spec.schedule, now).toISOString() : null },
      now,
    );
    this.logger.info({ jobId: job.id, job: job.name, nextRunAt: job.nextRunAt }, 'job created');
    this.scheduler.changed(job.id);
    return this.scheduler.arm(job);
  }

  async update(id: string, req: UpdateJobRequest): Promise<Job> {
    const job = await this.store.require(id);
    const editsDefinition = Object.keys(req).some((k) => k !== 'enabled');
    if (job.source === 'config' && editsDefinition) throw configOwned(job, 'change');

    const patch: JobPatch = {};
    if (req.name !== undefined) patch.name = req.name;
    if (req.prompt !== undefined) patch.prompt = req.prompt;
    if (req.model !== undefined) {
      if (req.model !== null) validateModelRef(this.catalog, req.model);
      patch.model = req.model;
    }
    const schedule = this.mergedSchedule(job, req);
    const scheduleChanged = JSON.stringify(schedule) !== JSON.stringify(scheduleOf(job));
    if (scheduleChanged) patch.schedule = schedule;
    if (req.sessionId !== undefined) patch.target = { sessionId: req.sessionId };
    if (req.session !== undefined) patch.target = req.session;
    if (patch.target) await this.checkTarget(patch.target);
    if (req.enabled !== undefined) patch.enabled = req.enabled;

    // A new schedule, or coming back from disabled, starts from now: no catch-up of the time it was off.
    const enabled = req.enabled ?? job.enabled;
    if (!enabled) patch.nextRunAt = null;
    else if (scheduleChanged || !job.enabled) patch.nextRunAt = nextRunAt(schedule, new Date()).toISOString();

    const updated = await this.store.update(id, patch);
    this.logger.info({ jobId: id, job: updated.name, fields: Object.keys(req), nextRunAt: updated.nextRunAt }, 'job updated');
    this.scheduler.changed(id);
    return this.scheduler.arm(updated);
  }

  async delete(id: string): Promise<void> {
    const job = await this.store.require(id);
    if (job.source === 'config') throw configOwned(job, 'remove');
    this.scheduler.forget(id);
    await this.store.delete(id);
    this.scheduler.changed(id);
    this.logger.info({ jobId: id, job: job.name }, 'job deleted');
  }

  /** Runs the job now (even when disabled); with `wait`, answers once its reply is complete. */
  async run(id: string, wait: boolean): Promise<RunJobResponse> {
    const job = await this.store.require(id);
    const handle = this.scheduler.runNow(job);
    // Not started: already running here, or (with replicas) on another replica.
    const begun = handle ? await handle.begun : null;
    if (!handle || !begun) return { started: false, job: await this.store.require(id) };
    return { started: true, job: wait ? await handle.done : begun };
  }

  /** The job's last runs, newest first; JOB_NOT_FOUND for an unknown job. */
  async runs(id: string, limit = 20): Promise<JobRun[]> {
    await this.store.require(id);
    return this.store.listRuns(id, limit);
  }

  /** The schedule after a patch: cron and everySeconds replace each other; timezone only applies to cron. */
  private mergedSchedule(job: Job, req: UpdateJobRequest): JobSchedule {
    const current = scheduleOf(job);
    let schedule: JobSchedule;
    if (req.everySeconds !== undefined) schedule = { kind: 'interval', everySeconds: req.everySeconds };
    else if (req.cron !== undefined) {
      const timezone = req.timezone !== undefined ? req.timezone : current.kind === 'cron' ? current.timezone : null;
      schedule = { kind: 'cron', cron: req.cron, timezone };
    } else if (req.timezone !== undefined) {
      if (current.kind === 'cron') schedule = { ...current, timezone: req.timezone };
      else if (req.timezone === null) schedule = current;
      else throw invalid({ field: 'timezone', message: 'timezone only applies to a cron schedule' });
    } else schedule = current;
    const issues = scheduleIssues(schedule);
    if (issues.length) throw invalid(issues[0]);
    return schedule;
  }

  private async checkTarget(target: JobTarget): Promise<void> {
    if (!('sessionId' in target)) return;
    try {
      await this.engine.getSession(target.sessionId);
    } catch (err) {
      if ((err as SwitchboardError).code === ErrorCode.SESSION_NOT_FOUND) {
        throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `sessionId: session ${target.sessionId} does not exist`, { field: 'sessionId' });
      }
      throw err;
    }
  }
}
