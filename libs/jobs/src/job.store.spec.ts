import { openTestDatabase, type TestDatabase } from './testing/test-database';
import { JobStore, type ConfigJobInput, type NewJobInput } from './job.store';

const T0 = new Date('2026-01-01T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

const apiJob = (over: Partial<NewJobInput> = {}): NewJobInput => ({
  name: 'digest',
  schedule: { kind: 'cron', cron: '0 9 * * *', timezone: 'Europe/Paris' },
  prompt: 'Summarise my day',
  target: { channel: 'job', peerId: 'digest' },
  model: 'fast',
  enabled: true,
  source: 'api',
  nextRunAt: '2026-01-02T08:00:00.000Z',
  ...over,
});

const configJob = (over: Partial<ConfigJobInput> = {}): ConfigJobInput => ({
  name: 'nightly',
  schedule: { kind: 'interval', everySeconds: 3600 },
  prompt: 'Check the backups',
  target: { sessionId: 'session-1' },
  model: null,
  enabled: true,
  ...over,
});

describe('JobStore', () => {
  let db: TestDatabase;
  let jobs: JobStore;

  beforeEach(async () => {
    db = await openTestDatabase();
    jobs = new JobStore(db.ds.manager);
  });
  afterEach(() => db.close());

  it('creates, reads back and lists jobs with every column', async () => {
    const created = await jobs.create(apiJob(), T0);
    expect(created).toEqual({
      id: expect.any(String),
      name: 'digest',
      cron: '0 9 * * *',
      timezone: 'Europe/Paris',
      everySeconds: null,
      prompt: 'Summarise my day',
      sessionId: null,
      session: { channel: 'job', peerId: 'digest' },
      model: 'fast',
      enabled: true,
      source: 'api',
      nextRunAt: '2026-01-02T08:00:00.000Z',
      lastRunAt: null,
      lastStatus: null,
      lastError: null,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    const other = await jobs.create(apiJob({ name: 'alpha', schedule: { kind: 'interval', everySeconds: 60 }, target: { sessionId: 's-9' }, enabled: false }), T0);
    expect(other).toMatchObject({ cron: null, timezone: null, everySeconds: 60, sessionId: 's-9', session: null, enabled: false });
    expect(await jobs.get(created.id)).toEqual(created);
    expect(await jobs.findByName('digest')).toEqual(created);
    expect((await jobs.list()).map((j) => j.name)).toEqual(['alpha', 'digest']);
  });

  it('refuses a duplicate name with VALIDATION_FAILED on field name, in the store and in the database', async () => {
    const first = await jobs.create(apiJob(), T0);
    await expect(jobs.create(apiJob(), T0)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'name' } });
    const second = await jobs.create(apiJob({ name: 'second' }), T0);
    await expect(jobs.update(second.id, { name: 'digest' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'name' } });
    await expect(db.ds.query(`UPDATE jobs SET name = 'digest' WHERE id = ?`, [second.id])).rejects.toThrow(/UNIQUE/);
    expect((await jobs.get(first.id))!.name).toBe('digest');
  });

  it('updates fields, switching schedule kind and target cleanly', async () => {
    const job = await jobs.create(apiJob(), T0);
    const updated = await jobs.update(
      job.id,
      { schedule: { kind: 'interval', everySeconds: 30 }, target: { sessionId: 's-1' }, model: null, lastStatus: 'ok', lastRunAt: later(1).toISOString() },
      later(5),
    );
    expect(updated).toMatchObject({
      cron: null,
      timezone: null,
      everySeconds: 30,
      sessionId: 's-1',
      session: null,
      model: null,
      lastStatus: 'ok',
      lastRunAt: later(1).toISOString(),
      updatedAt: later(5).toISOString(),
      createdAt: T0.toISOString(),
    });
    await expect(jobs.update('nope', { enabled: false })).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    await expect(jobs.require('nope')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });

  it('deletes', async () => {
    const job = await jobs.create(apiJob(), T0);
    expect(await jobs.delete(job.id)).toBe(true);
    expect(await jobs.delete(job.id)).toBe(false);
    expect(await jobs.get(job.id)).toBeNull();
  });

  it('begins a run in one step, refusing a disabled job when asked to', async () => {
    const job = await jobs.create(apiJob(), T0);
    const begun = await jobs.beginRun(job.id, { at: later(10), nextRunAt: '2026-01-03T08:00:00.000Z', requireEnabled: true });
    expect(begun).toMatchObject({ lastStatus: 'running', lastRunAt: later(10).toISOString(), lastError: null, nextRunAt: '2026-01-03T08:00:00.000Z' });
    await jobs.update(job.id, { enabled: false, lastStatus: 'ok' });
    expect(await jobs.beginRun(job.id, { at: later(20), requireEnabled: true })).toBeNull();
    expect((await jobs.get(job.id))!.lastStatus).toBe('ok');
    // A manual run (run now) does not need the job enabled and leaves the schedule alone.
    expect(await jobs.beginRun(job.id, { at: later(30), requireEnabled: false })).toMatchObject({ lastStatus: 'running', nextRunAt: '2026-01-03T08:00:00.000Z' });
    expect(await jobs.beginRun('nope', { at: later(40), requireEnabled: false })).toBeNull();
  });

  it('marks runs cut short by a restart as interrupted', async () => {
    const a = await jobs.create(apiJob({ name: 'a' }), T0);
    const b = await jobs.create(apiJob({ name: 'b' }), T0);
    await jobs.update(a.id, { lastStatus: 'running' });
    await jobs.update(b.id, { lastStatus: 'ok' });
    expect(await jobs.markRunningInterrupted(later(1))).toEqual([a.id]);
    expect(await jobs.get(a.id)).toMatchObject({ lastStatus: 'interrupted', lastError: expect.stringMatching(/restart/) });
    expect((await jobs.get(b.id))!.lastStatus).toBe('ok');
    expect(await jobs.markRunningInterrupted()).toEqual([]);
  });

  describe('run history', () => {
    it('records a run with its start, then its end, and lists runs newest first', async () => {
      const job = await jobs.create(apiJob(), T0);
      await jobs.beginRun(job.id, { at: later(10), requireEnabled: false, run: { id: 'run-1', trigger: 'manual' } });
      expect(await jobs.listRuns(job.id)).toEqual([
        { id: 'run-1', startedAt: later(10).toISOString(), finishedAt: null, status: 'running', error: null, sessionId: null, trigger: 'manual' },
      ]);
      expect(await jobs.finishRun('run-1', { at: later(20), status: 'ok', error: null, sessionId: 'session-a' })).toEqual({
        id: 'run-1',
        startedAt: later(10).toISOString(),
        finishedAt: later(20).toISOString(),
        status: 'ok',
        error: null,
        sessionId: 'session-a',
        trigger: 'manual',
      });
      const second = await jobs.startRun(job.id, { at: later(30), trigger: 'catch_up' });
      await jobs.finishRun(second.id, { at: later(40), status: 'error', error: 'boom', sessionId: 'session-b' });
      await jobs.startRun(job.id, { at: later(50), trigger: 'schedule', status: 'missed', error: 'Skipped' });
      const runs = await jobs.listRuns(job.id);
      expect(runs.map((r) => [r.trigger, r.status, r.sessionId])).toEqual([
        ['schedule', 'missed', null],
        ['catch_up', 'error', 'session-b'],
        ['manual', 'ok', 'session-a'],
      ]);
      expect(runs[0]).toMatchObject({ finishedAt: later(50).toISOString(), error: 'Skipped' });
      expect(await jobs.listRuns(job.id, 2)).toEqual(runs.slice(0, 2));
      // A beginRun that does not start (disabled job, timer race) records nothing.
      await jobs.update(job.id, { enabled: false });
      expect(await jobs.beginRun(job.id, { at: later(60), requireEnabled: true, run: { id: 'run-x', trigger: 'schedule' } })).toBeNull();
      expect(await jobs.listRuns(job.id)).toHaveLength(3);
    });

    it('keeps the last 50 runs of each job, pruning in the same write', async () => {
      const a = await jobs.create(apiJob({ name: 'a' }), T0);
      const b = await jobs.create(apiJob({ name: 'b' }), T0);
      await jobs.startRun(b.id, { at: later(0), trigger: 'manual' });
      for (let i = 1; i <= 53; i++) await jobs.startRun(a.id, { at: later(i * 1000), trigger: 'schedule', status: 'ok' });
      const runs = await jobs.listRuns(a.id, 50);
      expect(runs).toHaveLength(50);
      expect(runs[0].startedAt).toBe(later(53_000).toISOString());
      expect(runs[49].startedAt).toBe(later(4000).toISOString());
      expect(await jobs.listRuns(a.id, 500)).toHaveLength(50);
      const count = await db.ds.query(`SELECT COUNT(*) AS n FROM "job_runs" WHERE "job_id" = ?`, [a.id]);
      expect(Number(count[0].n)).toBe(50);
      // Another job's history is its own.
      expect(await jobs.listRuns(b.id)).toHaveLength(1);
    });

    it('scrubs and shortens errors, ignores a finish of a gone run, refuses a run of a missing job', async () => {
      const job = await jobs.create(apiJob(), T0);
      const run = await jobs.startRun(job.id, { at: later(1), trigger: 'manual' });
      const key = 'sk-' + 'a'.repeat(40);
      const done = await jobs.finishRun(run.id, { at: later(2), status: 'error', error: `bad key ${key} ` + 'x'.repeat(2000), sessionId: null });
      expect(done!.error).not.toContain(key);
      expect(done!.error).toContain('[REDACTED]');
      expect(done!.error!.length).toBeLessThanOrEqual(500);
      expect(await jobs.finishRun('nope', { at: later(3), status: 'ok', error: null, sessionId: null })).toBeNull();
      await expect(jobs.startRun('nope', { at: later(4), trigger: 'manual' })).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    });

    it('marks running runs interrupted on restart, and deleting a job deletes its runs', async () => {
      const job = await jobs.create(apiJob(), T0);
      await jobs.beginRun(job.id, { at: later(1), requireEnabled: false, run: { id: 'run-1', trigger: 'schedule' } });
      await jobs.markRunningInterrupted(later(5));
      expect(await jobs.listRuns(job.id)).toEqual([
        expect.objectContaining({ id: 'run-1', status: 'interrupted', finishedAt: later(5).toISOString(), error: expect.stringMatching(/restart/) }),
      ]);
      await jobs.delete(job.id);
      expect(await jobs.listRuns(job.id)).toEqual([]);
      expect(await db.ds.query(`SELECT * FROM "job_runs"`)).toEqual([]);
    });

    it('its migration is reversible', async () => {
      const runner = db.ds.createQueryRunner();
      try {
        // The run lease columns came after job_runs: undone first, their history kept.
        const job = await jobs.create(apiJob(), T0);
        await jobs.startRun(job.id, { at: later(1), trigger: 'manual' });
        await db.ds.undoLastMigration();
        expect(await runner.hasColumn('jobs', 'run_lease_until')).toBe(false);
        expect(await jobs.listRuns(job.id)).toHaveLength(1);
        await db.ds.undoLastMigration();
        expect(await runner.hasTable('job_runs')).toBe(false);
        expect(await runner.hasTable('jobs')).toBe(true);
        await db.ds.runMigrations();
        expect(await runner.hasTable('job_runs')).toBe(true);
        expect(await runner.hasColumn('jobs', 'run_lease_until')).toBe(true);
      } finally {
        await runner.release();
      }
    });
  });

  describe('syncConfigJobs', () => {
    it('creates config jobs by name, unarmed', async () => {
      const r = await jobs.syncConfigJobs([configJob(), configJob({ name: 'weekly', schedule: { kind: 'cron', cron: '@weekly', timezone: null } })], T0);
      expect(r).toEqual({ created: ['nightly', 'weekly'], updated: [], adopted: [], removed: [] });
      expect(await jobs.findByName('nightly')).toMatchObject({ source: 'config', enabled: true, nextRunAt: null, everySeconds: 3600, sessionId: 'session-1' });
    });

    it('keeps next_run_at (and so the missed-run policy) when the schedule is unchanged, clears it when it changes', async () => {
      await jobs.syncConfigJobs([configJob()], T0);
      const job = (await jobs.findByName('nightly'))!;
      await jobs.update(job.id, { nextRunAt: '2026-01-01T11:00:00.000Z', lastStatus: 'ok' });

      expect(await jobs.syncConfigJobs([configJob()], later(1000))).toEqual({ created: [], updated: [], adopted: [], removed: [] });
      expect((await jobs.get(job.id))!.nextRunAt).toBe('2026-01-01T11:00:00.000Z');

      const r = await jobs.syncConfigJobs([configJob({ prompt: 'Check the backups twice' })], later(2000));
      expect(r.updated).toEqual(['nightly']);
      expect(await jobs.get(job.id)).toMatchObject({ prompt: 'Check the backups twice', nextRunAt: '2026-01-01T11:00:00.000Z', updatedAt: later(2000).toISOString() });

      await jobs.syncConfigJobs([configJob({ prompt: 'Check the backups twice', schedule: { kind: 'interval', everySeconds: 60 } })], later(3000));
      expect(await jobs.get(job.id)).toMatchObject({ everySeconds: 60, nextRunAt: null, lastStatus: 'ok', id: job.id });
    });

    it('lets an API toggle of enabled survive restarts until the file changes its own enabled', async () => {
      await jobs.syncConfigJobs([configJob()], T0);
      const job = (await jobs.findByName('nightly'))!;
      await jobs.update(job.id, { enabled: false, nextRunAt: null });
      // Same file: the admin's "disabled" stands.
      await jobs.syncConfigJobs([configJob()], later(1));
      expect((await jobs.get(job.id))!.enabled).toBe(false);
      // The file now disables it, then enables it again: each change in the file wins.
      await jobs.syncConfigJobs([configJob({ enabled: false })], later(2));
      expect((await jobs.get(job.id))!.enabled).toBe(false);
      await jobs.syncConfigJobs([configJob({ enabled: true })], later(3));
      expect(await jobs.get(job.id)).toMatchObject({ enabled: true, nextRunAt: null });
      // Enabled over the API while the file says false: stays enabled until the file changes.
      await jobs.syncConfigJobs([configJob({ enabled: false })], later(4));
      await jobs.update(job.id, { enabled: true });
      await jobs.syncConfigJobs([configJob({ enabled: false })], later(5));
      expect((await jobs.get(job.id))!.enabled).toBe(true);
    });

    it('adopts an API job with the same name and removes config jobs no longer in the file (API jobs stay)', async () => {
      const api = await jobs.create(apiJob({ name: 'nightly', enabled: false }), T0);
      await jobs.create(apiJob({ name: 'mine' }), T0);
      await jobs.syncConfigJobs([configJob({ name: 'old' })], T0);
      const r = await jobs.syncConfigJobs([configJob()], later(1));
      expect(r).toEqual({ created: [], updated: [], adopted: ['nightly'], removed: ['old'] });
      expect(await jobs.get(api.id)).toMatchObject({ source: 'config', enabled: true, prompt: 'Check the backups', cron: null, everySeconds: 3600 });
      expect((await jobs.list()).map((j) => [j.name, j.source])).toEqual([
        ['mine', 'api'],
        ['nightly', 'config'],
      ]);
    });
  });
});
