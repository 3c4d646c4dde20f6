import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Job, JobRunStatus, JobRunTrigger, Message } from '@switchboard/protocol';
import { ConfigError, type LoadedConfig } from '@switchboard/models';
import { SessionEngine, SessionRepository } from '@switchboard/session/server';
import {
  DEFAULT_MISSED_RUN_GRACE_MS,
  JobStore,
  describeDuration,
  jobSpecFrom,
  nextRunAt,
  planDueRun,
  scheduleOf,
  type ConfigJobInput,
} from '@switchboard/jobs/server';
import type { ApiEnv } from '../config/api-env';
import type { ClusterBus } from '../cluster/cluster-bus';
import { API_ENV, CLUSTER_BUS, LOADED_CONFIG, LOGGER } from '../core/tokens';
import { RetentionSweeper } from './retention-sweeper';

// Operator tunable, read from the raw environment once (like the pairing settings).
const jobsEnvSchema = z.object({
  SWITCHBOARD_JOBS_MISSED_GRACE_SECONDS: z.coerce.number().int().min(0).max(366 * 24 * 3600).optional(),
});

/** `catch_up`: a scheduled run that fell due while the server was down (or asleep), run late once. */
type Trigger = JobRunTrigger;

/** A timer firing this late is a catch-up, not an ordinary scheduled run. */
const CATCH_UP_AFTER_MS = 1000;

/** A job's armed timer and the next_run_at it was armed for (a different stored one means re-arm). */
interface ArmedTimer {
  timer: NodeJS.Timeout;
  dueAt: string | null;
}

interface RunHandle {
  /** Resolves once the run is recorded as `running` (its prompt is about to be sent); null when it did not start. */
  begun: Promise<Job | null>;
  /** Resolves with the job once the run has finished and the job is re-armed. */
  done: Promise<Job>;
}

/** The config file's jobs as store input; a bad cron or time zone is a config error naming `jobs[i].field`. */
export function configJobInputs(config: Pick<LoadedConfig, 'jobs'>): ConfigJobInput[] {
  const issues: string[] = [];
  const inputs = config.jobs.map((def, i) => {
    const { spec, issues: found } = jobSpecFrom(def);
    for (const issue of found) issues.push(`jobs[${i}].${issue.field}: ${issue.message}`);
    return spec;
  });
  if (issues.length) throw new ConfigError(issues, 'config');
  return inputs;
}

/**
 * Arms one timer per enabled job (setTimeout to its next run, capped and re-armed for long
 * waits), runs a job by sending its prompt to its session through the one engine, and applies
 * the missed-run policy on start and whenever a timer fires late. Runs of one job never overlap
 * on one replica. Replicas sharing a database all arm every job; a due run (or a skipped one) is
 * claimed in the database by moving next_run_at from the due time (compare-and-set), so exactly
 * one replica runs each due time and a missed run is caught up once. Job changes reach the other
 * replicas on the cluster bus (`cache.invalidate`, scope `jobs`) and through a periodic re-read.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly graceMs: number;
  private readonly timers = new Map<string, ArmedTimer>();
  private readonly running = new Map<string, RunHandle>();
  private readonly retention: RetentionSweeper;
  private retentionTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;
  private stopped = false;
  /** 0 on SQLite: one process, nobody else changes the jobs. */
  private readonly rescanMs: number;
  private rescanTimer: NodeJS.Timeout | null = null;
  private rescanning: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** On a shared database: runs hold a lease this replica renews; lapsed ones (a dead replica's) are marked interrupted. */
  private readonly lease: { replicaId: string; ms: number } | null;
  /** The history id of each run in flight here, by job. */
  private readonly runIds = new Map<string, string>();
  private leaseTimer: NodeJS.Timeout | null = null;
  private leaseTick: Promise<void> | null = null;

  constructor(
    private readonly store: JobStore,
    private readonly engine: SessionEngine,
    @Inject(LOADED_CONFIG) private readonly config: LoadedConfig,
    @Inject(API_ENV) env: ApiEnv,
    @Inject(LOGGER) private readonly logger: Logger,
    repo: SessionRepository,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
  ) {
    this.retention = new RetentionSweeper(config.retention, repo, engine, logger);
    const raw = Object.fromEntries(Object.entries(env.raw).filter(([, v]) => v !== undefined && v !== ''));
    const parsed = jobsEnvSchema.safeParse(raw);
    if (!parsed.success) logger.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'invalid job settings ignored');
    const graceSeconds = parsed.success ? parsed.data.SWITCHBOARD_JOBS_MISSED_GRACE_SECONDS : undefined;
    this.graceMs = graceSeconds !== undefined ? graceSeconds * 1000 : DEFAULT_MISSED_RUN_GRACE_MS;
    const shared = bus.shared || env.database.url !== null;
    // The bus tells each replica about job changes at once; the rescan catches what it could not deliver.
    this.rescanMs = shared ? env.replica.rescanSeconds * 1000 : 0;
    // A job run is a turn: its lease lasts as long as a turn's.
    this.lease = shared ? { replicaId: env.replica.id, ms: env.replica.turnLeaseSeconds * 1000 } : null;
  }

  /** After the engine has started: sync the config file's jobs, recover, apply the missed-run policy, arm. */
  async onApplicationBootstrap(): Promise<void> {
    const inputs = configJobInputs(this.config);
    const sync = await this.store.syncConfigJobs(inputs);
    if (sync.created.length || sync.updated.length || sync.removed.length) {
      this.logger.info({ created: sync.created, updated: sync.updated, removed: sync.removed }, 'config jobs synced');
    }
    if (sync.adopted.length) this.logger.warn({ jobs: sync.adopted }, 'API jobs now defined by the config file (same name): the file wins');
    const interrupted = await this.store.markRunningInterrupted(new Date(), this.lease ? { id: this.lease.replicaId, restarted: true } : undefined);
    if (interrupted.length) this.logger.warn({ jobs: interrupted.length }, 'job runs interrupted by a restart');
    this.unsubscribe = this.bus.subscribe('cache.invalidate', ({ scope, id }) => {
      if (scope !== 'jobs') return;
      if (id) void this.refresh(id);
      else void this.rescan();
    });
    const jobs = await this.store.list();
    for (const job of jobs) await this.arm(job);
    this.logger.info(
      { jobs: jobs.length, enabled: jobs.filter((j) => j.enabled).length, graceSeconds: this.graceMs / 1000, rescanSeconds: this.rescanMs / 1000 },
      'job scheduler started',
    );
    this.scheduleRetention(0);
    this.scheduleRescan();
    this.startLeaseUpkeep();
  }

  /** Every third of a lease: renews the leases of this replica's runs, and marks runs whose lease lapsed interrupted. */
  private startLeaseUpkeep(): void {
    const lease = this.lease;
    if (!lease || this.stopped) return;
    this.leaseTimer = setInterval(() => {
      this.leaseTick ??= (async () => {
        try {
          const now = new Date();
          await this.store.renewRunLeases(lease.replicaId, [...this.runIds.values()], new Date(now.getTime() + lease.ms));
          const lapsed = await this.store.markRunningInterrupted(now, { id: lease.replicaId, restarted: false });
          if (lapsed.length) this.logger.warn({ jobs: lapsed }, 'job runs of a replica that stopped marked interrupted');
        } catch (err) {
          if (!this.stopped) this.logger.warn({ err: errorText(err) }, 'job lease upkeep failed');
        } finally {
          this.leaseTick = null;
        }
      })();
    }, Math.max(250, Math.floor(lease.ms / 3)));
    this.leaseTimer.unref();
  }

  /** Tells the other replicas a job was created, changed or deleted here, so they (re-)arm or drop it. */
  changed(jobId: string): void {
    this.bus.publish('cache.invalidate', { scope: 'jobs', id: jobId });
  }

  /** Another replica changed a job: arm it as it is stored now, or drop it when it is gone. */
  async refresh(jobId: string): Promise<void> {
    if (this.stopped) return;
    try {
      const job = await this.store.get(jobId);
      if (!job) this.forget(jobId);
      else await this.arm(job);
    } catch (err) {
      if (!this.stopped) this.logger.warn({ jobId, err: errorText(err) }, 'could not refresh a job');
    }
  }

  /**
   * Re-reads every job and arms what this replica has not armed as stored (created or moved
   * elsewhere), and drops timers of jobs gone or disabled elsewhere.
   */
  rescan(): Promise<void> {
    this.rescanning ??= (async () => {
      try {
        const jobs = await this.store.list();
        const ids = new Set(jobs.map((j) => j.id));
        for (const id of [...this.timers.keys()]) if (!ids.has(id)) this.clearTimer(id);
        for (const job of jobs) {
          if (this.stopped) return;
          if (this.running.has(job.id)) continue;
          const armed = this.timers.get(job.id);
          const stale = job.enabled ? !armed || armed.dueAt !== job.nextRunAt : armed !== undefined;
          if (stale) await this.arm(job);
        }
      } catch (err) {
        if (!this.stopped) this.logger.warn({ err: errorText(err) }, 'job rescan failed');
      } finally {
        this.rescanning = null;
      }
    })();
    return this.rescanning;
  }

  private scheduleRescan(): void {
    if (this.stopped || this.rescanMs === 0) return;
    this.rescanTimer = setTimeout(() => void this.rescan().finally(() => this.scheduleRescan()), this.rescanMs);
    this.rescanTimer.unref();
  }

  /** The retention sweep is the scheduler's own maintenance job: once at start, then every `sweepMinutes`. */
  private scheduleRetention(delayMs: number): void {
    if (this.stopped) return;
    this.retentionTimer = setTimeout(() => {
      this.sweeping = this.retention
        .sweep()
        .catch((err) => this.logger.warn({ err: (err as Error).message }, 'retention sweep failed'))
        .finally(() => {
          this.sweeping = null;
          this.scheduleRetention(this.config.retention.sweepMinutes * 60_000);
        });
    }, delayMs);
    this.retentionTimer.unref();
  }

  /** Before the engine stops: no new runs. Runs in flight end with their turns (the engine aborts them). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const armed of this.timers.values()) clearTimeout(armed.timer);
    this.timers.clear();
    if (this.retentionTimer) clearTimeout(this.retentionTimer);
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.rescanning;
    await this.leaseTick;
    await this.sweeping;
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /**
   * (Re-)arms a job after it was created, changed, loaded or ran: a disabled job has no next
   * run; a due one runs (once) or is skipped as `missed` when overdue by the grace window or more.
   */
  async arm(job: Job): Promise<Job> {
    this.clearTimer(job.id);
    if (this.stopped) return job;
    const now = new Date();
    if (!job.enabled) return job.nextRunAt === null ? job : this.store.update(job.id, { nextRunAt: null }, now);
    // A running job is re-armed when its run finishes (runs never overlap).
    if (this.running.has(job.id)) return job;
    let current = job;
    if (current.nextRunAt === null) {
      // Another replica arming the same job at the same moment keeps its own value: one wins.
      const stored = await this.store.setNextRunIfUnset(job.id, nextRunAt(scheduleOf(job), now).toISOString(), now);
      if (!stored) return job;
      if (!stored.enabled || stored.nextRunAt === null) return this.arm(stored);
      current = stored;
    }
    const plan = planDueRun(new Date(current.nextRunAt!), now, this.graceMs);
    switch (plan.action) {
      case 'wait':
        this.setTimer(current.id, plan.delayMs, current.nextRunAt);
        return current;
      case 'run': {
        const catchUp = plan.missedByMs > CATCH_UP_AFTER_MS;
        if (catchUp) this.logger.info({ jobId: job.id, job: job.name, missedBy: describeDuration(plan.missedByMs) }, 'catching up a missed job run');
        const begun = this.launch(current, catchUp ? 'catch_up' : 'schedule', current.nextRunAt!)?.begun;
        return (begun ? begun.then((started) => started ?? current) : Promise.resolve(current)).catch(() => current);
      }
      case 'skip': {
        const next = nextRunAt(scheduleOf(current), now).toISOString();
        const lastError =
          `Skipped the run due at ${current.nextRunAt}: missed by ${describeDuration(plan.missedByMs)}, ` +
          `more than the ${describeDuration(this.graceMs)} grace window. Next run at ${next}.`;
        // Claimed like a run: with several replicas, one records the skip.
        const skipped = await this.store.skipRun(current.id, { due: current.nextRunAt!, at: now, nextRunAt: next, error: lastError });
        if (skipped) this.logger.warn({ jobId: job.id, job: job.name, dueAt: current.nextRunAt, next }, 'missed job run skipped');
        const after = skipped ?? (await this.store.get(current.id));
        return after ? this.arm(after) : current;
      }
    }
  }

  /** Stops a deleted job's timer (a run in flight finishes; its bookkeeping is dropped). */
  forget(jobId: string): void {
    this.clearTimer(jobId);
  }

  /** Runs a job now, whatever its schedule (which it leaves alone); null when it is already running. */
  runNow(job: Job): RunHandle | null {
    return this.launch(job, 'manual');
  }

  /** `due`: the next_run_at a scheduled run claims (the run starts only if it is still stored). */
  private launch(job: Job, trigger: Trigger, due?: string): RunHandle | null {
    if (this.running.has(job.id) || this.stopped) return null;
    let markBegun!: (job: Job | null) => void;
    let failBegun!: (err: unknown) => void;
    const begun = new Promise<Job | null>((resolve, reject) => {
      markBegun = resolve;
      failBegun = reject;
    });
    begun.catch(() => undefined);
    const handle: RunHandle = { begun, done: Promise.resolve(job) };
    this.running.set(job.id, handle);
    handle.done = this.execute(job, trigger, due, markBegun, failBegun);
    return handle;
  }

  private async execute(job: Job, trigger: Trigger, due: string | undefined, markBegun: (job: Job | null) => void, failBegun: (err: unknown) => void): Promise<Job> {
    const log = this.logger.child({ jobId: job.id, job: job.name });
    const startedAt = new Date();
    const scheduled = trigger !== 'manual';
    const runId = randomUUID();
    let final: Job = job;
    try {
      let current: Job | null;
      try {
        // The next slot is fixed when the run starts, so a crash mid-run never repeats this slot.
        current = await this.store.beginRun(job.id, {
          at: startedAt,
          requireEnabled: scheduled,
          ...(scheduled ? { nextRunAt: nextRunAt(scheduleOf(job), startedAt).toISOString() } : {}),
          ...(due !== undefined ? { due } : {}),
          ...(this.lease ? { lease: { replicaId: this.lease.replicaId, until: new Date(startedAt.getTime() + this.lease.ms) } } : {}),
          run: { id: runId, trigger },
        });
      } catch (err) {
        failBegun(err);
        throw err;
      }
      if (!current) {
        // Disabled or deleted while its timer fired, or another replica claimed this due time (or
        // is running the job): nothing runs here; a job still there is armed for its next run.
        this.running.delete(job.id);
        markBegun(null);
        const stored = due !== undefined ? await this.store.get(job.id) : null;
        if (this.lease && stored?.enabled && stored.nextRunAt === due && stored.lastStatus === 'running') {
          // Still due, but another replica is running the job (runs never overlap): look again in
          // a while; that replica usually runs it itself when its run ends.
          this.setTimer(job.id, Math.max(250, Math.floor(this.lease.ms / 3)), stored.nextRunAt);
          return stored;
        }
        return stored ? this.arm(stored) : job;
      }
      markBegun(current);
      // Its lease is renewed until the job shows how it ended.
      this.runIds.set(job.id, runId);
      const outcome = await this.send(current, trigger, log);
      // The history first: while the job still holds the lease, no replica takes its run for a dead one's.
      await this.store.finishRun(runId, { at: new Date(), status: outcome.status, error: outcome.error, sessionId: outcome.sessionId });
      const ended = await this.store.endRun(job.id, runId, { status: outcome.status, error: outcome.error }).finally(() => this.runIds.delete(job.id));
      if (!ended) throw new Error(`Job ${job.id} was deleted during its run`);
      final = ended;
      log.info({ status: outcome.status, sessionId: outcome.sessionId, ms: Date.now() - startedAt.getTime() }, 'job run finished');
    } catch (err) {
      // The job was deleted meanwhile, or the database closed during shutdown.
      if (!this.stopped) log.warn({ err: errorText(err) }, 'could not record a job run');
      this.runIds.delete(job.id);
      this.running.delete(job.id);
      return final;
    }
    this.running.delete(job.id);
    try {
      return await this.arm(final);
    } catch (err) {
      if (!this.stopped) log.error({ err: errorText(err) }, 'could not re-arm a job');
      return final;
    }
  }

  /** Sends the prompt as a normal message (the job level of the resolution chain) and waits for its reply. */
  private async send(job: Job, trigger: Trigger, log: Logger): Promise<{ status: JobRunStatus; error: string | null; sessionId: string | null }> {
    let sessionId: string | null = job.sessionId;
    try {
      if (!sessionId) {
        const target = job.session!;
        sessionId = (await this.engine.createSession({ channel: target.channel, peerId: target.peerId, title: job.name })).id;
      }
      const sid = sessionId;
      log.info({ sessionId: sid, trigger, model: job.model }, 'job run started');
      const res = await this.engine.sendText(
        sid,
        { text: job.prompt, wait: true },
        { job: { model: job.model }, onTurnStarted: (turnId) => log.debug({ sessionId: sid, turnId }, 'job turn started') },
      );
      return { ...(await this.outcomeOf(sid, res.reply ?? null)), sessionId: sid };
    } catch (err) {
      return { status: 'error', error: errorText(err), sessionId };
    }
  }

  private async outcomeOf(sessionId: string, reply: Message | null): Promise<{ status: JobRunStatus; error: string | null }> {
    if (!reply) return { status: 'interrupted', error: 'The queued job message was removed before it ran.' };
    if (reply.status === 'complete') return { status: 'ok', error: null };
    if (reply.status === 'interrupted') return { status: 'interrupted', error: 'The reply was interrupted (aborted, reset or shutdown).' };
    const after = await this.engine.listMessages(sessionId, { afterSeq: reply.seq, limit: 20 }).catch(() => [] as Message[]);
    const turnError = after.find((m) => m.kind === 'turn_error' && m.turnId === reply.turnId);
    return { status: 'error', error: turnError?.content ?? 'The model call failed; see the session history.' };
  }

  private setTimer(jobId: string, delayMs: number, dueAt: string | null): void {
    this.clearTimer(jobId);
    const timer = setTimeout(() => {
      this.timers.delete(jobId);
      void this.fire(jobId);
    }, delayMs);
    // The HTTP server keeps the process alive; a timer alone must not.
    timer.unref();
    this.timers.set(jobId, { timer, dueAt });
  }

  private clearTimer(jobId: string): void {
    const armed = this.timers.get(jobId);
    if (armed) clearTimeout(armed.timer);
    this.timers.delete(jobId);
  }

  private async fire(jobId: string): Promise<void> {
    if (this.stopped) return;
    try {
      const job = await this.store.get(jobId);
      // arm() runs it when due, or waits again (a capped long delay, or a schedule changed meanwhile).
      if (job) await this.arm(job);
    } catch (err) {
      if (!this.stopped) this.logger.error({ jobId, err: errorText(err) }, 'job timer failed');
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
