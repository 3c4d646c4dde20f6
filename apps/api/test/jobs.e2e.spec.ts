import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SwitchboardApiError, type Job, type Message, type ServerEventMap } from '@switchboard/protocol';
import { createPostgresDataSource, createSqliteDataSource } from '@switchboard/persistence';
import { JobStore } from '@switchboard/jobs/server';
import { databaseEntities, databaseMigrations } from '../src/database/schema';
import { startApi } from '../src/app';
import { clientFor, eventually, lastTurnRequest, rawRequest, startTestApi, testConfig, type TestApi } from './harness';

const HOUR = 3600_000;

/** The error a client call rejects with (fails the test when it resolves). */
async function apiError(call: Promise<unknown>): Promise<SwitchboardApiError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof SwitchboardApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

const jobByName = async (t: TestApi, name: string): Promise<Job> => {
  const job = (await t.client.listJobs()).jobs.find((j) => j.name === name);
  if (!job) throw new Error(`no job named ${name}`);
  return job;
};

/** The conversation of a job's own session (`job` channel, peer = name); created empty if it never ran. */
const jobSession = (t: TestApi, peerId: string) => t.client.createSession({ channel: 'job', peerId });
const conversation = async (t: TestApi, sessionId: string): Promise<Message[]> =>
  (await t.client.listMessages(sessionId)).messages.filter((m) => m.kind === 'text');

describe('scheduled jobs from the config file (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({
      config: (fake) =>
        testConfig(fake, {
          jobs: [
            { name: 'ticker', everySeconds: 1, prompt: 'tick from the job', model: 'fast' },
            { name: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Paris', prompt: 'nightly report' },
          ],
        }),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs an everySeconds job into its own job session with the job model, pushed to a watching door', async () => {
    const session = await jobSession(t, 'ticker');
    const ws = await t.socket();
    const completed = new Promise<ServerEventMap['message.completed']>((resolve) => {
      ws.on('message.completed', (p) => p.sessionId === session.id && resolve(p));
    });
    await ws.subscribe(session.id);

    const event = await completed;
    expect(event.message).toMatchObject({ role: 'assistant', status: 'complete', modelConfigId: 'quick', modelSource: 'job', content: 'Echo: tick from the job' });

    const history = await conversation(t, session.id);
    expect(history[0]).toMatchObject({ role: 'user', content: 'tick from the job' });
    expect(history.filter((m) => m.role === 'assistant').every((m) => m.modelConfigId === 'quick' && m.modelSource === 'job')).toBe(true);
    // A session override is below the job level: the job's model still wins.
    await t.client.setSessionModel(session.id, 'claude');
    const before = history.filter((m) => m.role === 'assistant').length;
    const later = await eventually(
      () => conversation(t, session.id),
      (ms) => ms.filter((m) => m.role === 'assistant' && m.status === 'complete').length > before + 1,
      'two more job replies',
    );
    expect(later.filter((m) => m.role === 'assistant').at(-1)).toMatchObject({ modelConfigId: 'quick', modelSource: 'job' });

    const job = await jobByName(t, 'ticker');
    expect(job).toMatchObject({ source: 'config', everySeconds: 1, session: { channel: 'job', peerId: 'ticker' }, model: 'fast', enabled: true });
    expect(['ok', 'running']).toContain(job.lastStatus);
  });

  it('lets a config job be disabled over the API, but not edited or deleted', async () => {
    const ticker = await jobByName(t, 'ticker');
    const edit = await apiError(t.client.updateJob(ticker.id, { prompt: 'something else' }));
    expect([edit.status, edit.code]).toEqual([403, 'FORBIDDEN']);
    expect(edit.message).toMatch(/config file/);
    const del = await apiError(t.client.deleteJob(ticker.id));
    expect([del.status, del.code]).toEqual([403, 'FORBIDDEN']);

    const disabled = await t.client.updateJob(ticker.id, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, nextRunAt: null, prompt: 'tick from the job' });
    // A run in flight may still finish; after that, nothing more runs.
    const settled = await eventually(() => t.client.getJob(ticker.id), (j) => j.lastStatus !== 'running', 'the last tick to finish');
    const session = await jobSession(t, 'ticker');
    const count = (await conversation(t, session.id)).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect((await conversation(t, session.id)).length).toBe(count);
    expect((await t.client.getJob(ticker.id)).lastRunAt).toBe(settled.lastRunAt);
  });

  it('arms a cron job in its time zone', async () => {
    const nightly = await jobByName(t, 'nightly');
    expect(nightly).toMatchObject({ cron: '0 3 * * *', timezone: 'Europe/Paris', everySeconds: null, enabled: true, lastStatus: null });
    const next = new Date(nightly.nextRunAt!);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + 25 * HOUR);
    const parisTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hour12: false }).format(next);
    expect(parisTime).toBe('03:00');
  });
});

describe('scheduled jobs over the API (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.fake.reset());

  it('creates, lists, reads, updates and deletes a job', async () => {
    const created = await t.client.createJob({
      name: 'weekday digest',
      cron: '0 9 * * 1-5',
      timezone: 'America/New_York',
      prompt: 'What is on today?',
      model: 'sonnet',
    });
    expect(created).toMatchObject({
      id: expect.any(String),
      name: 'weekday digest',
      cron: '0 9 * * 1-5',
      timezone: 'America/New_York',
      everySeconds: null,
      prompt: 'What is on today?',
      sessionId: null,
      session: { channel: 'job', peerId: 'weekday digest' },
      model: 'sonnet',
      enabled: true,
      source: 'api',
      lastRunAt: null,
      lastStatus: null,
      lastError: null,
    });
    const next = new Date(created.nextRunAt!);
    const ny = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false }).format(next);
    expect(ny).toMatch(/^(Mon|Tue|Wed|Thu|Fri),? 09:00$/);
    expect(next.getTime()).toBeGreaterThan(Date.now());

    expect((await t.client.listJobs()).jobs.map((j) => j.id)).toContain(created.id);
    expect(await t.client.getJob(created.id)).toEqual(created);

    const interval = await t.client.updateJob(created.id, { everySeconds: 3600, model: null, name: 'hourly digest' });
    expect(interval).toMatchObject({ name: 'hourly digest', cron: null, timezone: null, everySeconds: 3600, model: null });
    expect(new Date(interval.nextRunAt!).getTime()).toBeGreaterThan(Date.now() + 0.9 * HOUR);
    const back = await t.client.updateJob(created.id, { cron: '30 6 * * *' });
    expect(back).toMatchObject({ cron: '30 6 * * *', timezone: null, everySeconds: null });
    const tz = await t.client.updateJob(created.id, { timezone: 'Asia/Tokyo' });
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(tz.nextRunAt!))).toBe('06:30');

    const off = await t.client.updateJob(created.id, { enabled: false });
    expect(off).toMatchObject({ enabled: false, nextRunAt: null });
    const on = await t.client.updateJob(created.id, { enabled: true });
    expect(on.nextRunAt).not.toBeNull();

    expect(await t.client.deleteJob(created.id)).toEqual({ ok: true });
    const gone = await apiError(t.client.getJob(created.id));
    expect([gone.status, gone.code]).toEqual([404, 'JOB_NOT_FOUND']);
    expect((await t.client.listJobs()).jobs.map((j) => j.id)).not.toContain(created.id);
  });

  it('refuses bad input with clear 4xx codes and stores nothing', async () => {
    const base = { name: 'bad', prompt: 'p', everySeconds: 60 };
    const before = (await t.client.listJobs()).jobs.length;
    const cases: Array<[Record<string, unknown>, number, string, string | undefined]> = [
      [{ ...base, everySeconds: undefined, cron: '* * *' }, 400, 'VALIDATION_FAILED', 'cron'],
      [{ ...base, everySeconds: undefined, cron: '61 * * * *' }, 400, 'VALIDATION_FAILED', 'cron'],
      [{ ...base, everySeconds: undefined, cron: '0 9 * * *', timezone: 'Mars/Base' }, 400, 'VALIDATION_FAILED', 'timezone'],
      [{ ...base, cron: '0 9 * * *' }, 400, 'VALIDATION_FAILED', 'everySeconds'],
      [{ ...base, everySeconds: undefined }, 400, 'VALIDATION_FAILED', 'cron'],
      [{ ...base, timezone: 'UTC' }, 400, 'VALIDATION_FAILED', 'timezone'],
      [{ ...base, everySeconds: 0 }, 400, 'VALIDATION_FAILED', 'everySeconds'],
      [{ ...base, prompt: '  ' }, 400, 'VALIDATION_FAILED', 'prompt'],
      [{ ...base, sessionId: 'no-such-session' }, 400, 'VALIDATION_FAILED', 'sessionId'],
      [{ ...base, session: { channel: 'fax', peerId: '1' } }, 400, 'VALIDATION_FAILED', 'session.channel'],
      [{ ...base, model: 'gpt-17' }, 400, 'INVALID_MODEL', undefined],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await rawRequest(t.api.url, 'POST', '/api/v1/jobs', {
        body: JSON.stringify(body),
        headers: { authorization: `Bearer ${t.env.SWITCHBOARD_API_TOKEN}`, 'content-type': 'application/json' },
      });
      expect({ body, status: res.status, code: res.json.error?.code }).toEqual({ body, status, code });
      if (field) expect({ body, field: res.json.error?.details?.field }).toEqual({ body, field });
    }
    const invalidModel = await apiError(t.client.createJob({ ...base, model: 'gpt-17' }));
    expect(invalidModel.details).toMatchObject({ model: 'gpt-17', available: expect.any(Array) });

    const job = await t.client.createJob({ name: 'taken', prompt: 'p', everySeconds: 3600 });
    const dup = await apiError(t.client.createJob({ name: 'taken', prompt: 'again', everySeconds: 60 }));
    expect([dup.status, dup.code, dup.details?.field]).toEqual([400, 'VALIDATION_FAILED', 'name']);
    const badPatch = await apiError(t.client.updateJob(job.id, { cron: 'every day' }));
    expect([badPatch.code, badPatch.details?.field]).toEqual(['VALIDATION_FAILED', 'cron']);
    const badModel = await apiError(t.client.updateJob(job.id, { model: 'nope' }));
    expect(badModel.code).toBe('INVALID_MODEL');
    const tzOnInterval = await apiError(t.client.updateJob(job.id, { timezone: 'UTC' }));
    expect([tzOnInterval.code, tzOnInterval.details?.field]).toEqual(['VALIDATION_FAILED', 'timezone']);
    expect(await t.client.getJob(job.id)).toEqual(job);

    for (const call of [t.client.getJob('nope'), t.client.updateJob('nope', { enabled: false }), t.client.deleteJob('nope'), t.client.runJob('nope')]) {
      const err = await apiError(call);
      expect([err.status, err.code]).toEqual([404, 'JOB_NOT_FOUND']);
    }
    const noToken = await rawRequest(t.api.url, 'GET', '/api/v1/jobs');
    expect([noToken.status, noToken.json.error?.code]).toEqual([401, 'UNAUTHORIZED']);

    expect((await t.client.listJobs()).jobs.length).toBe(before + 1);
    await t.client.deleteJob(job.id);
  });

  it('runs a job now into an existing session: job model over the session override, schedule untouched', async () => {
    const session = await t.client.createSession({ channel: 'web', peerId: `run-now-${Math.random()}` });
    await t.client.setSessionModel(session.id, 'quick');
    const job = await t.client.createJob({ name: 'run-now', prompt: 'Run me now', everySeconds: 3600, sessionId: session.id, model: 'local' });

    const ran = await t.client.runJob(job.id, { wait: true });
    expect(ran.started).toBe(true);
    expect(ran.job).toMatchObject({ lastStatus: 'ok', lastError: null, nextRunAt: job.nextRunAt });
    expect(new Date(ran.job.lastRunAt!).getTime()).toBeGreaterThan(new Date(job.createdAt).getTime() - 1);

    const history = await conversation(t, session.id);
    expect(history.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Run me now'],
      ['assistant', 'Echo: Run me now'],
    ]);
    expect(history[1]).toMatchObject({ modelConfigId: 'llama', modelSource: 'job' });
    expect(lastTurnRequest(t.fake).model).toBe('fake-llama');
    // The job level applies to the job's own turn only; the session keeps its override.
    expect((await t.client.getSession(session.id)).modelOverride).toBe('quick');
  });

  it('never overlaps runs of one job, and queues behind a busy session like any message', async () => {
    const session = await t.client.createSession({ channel: 'api', peerId: `busy-${Math.random()}` });
    t.fake.addRule({ match: 'slow user message', reply: 'slow reply', firstTokenDelayMs: 600 });
    t.fake.addRule({ match: 'slow job prompt', reply: 'job reply', firstTokenDelayMs: 600 });
    const job = await t.client.createJob({ name: 'no-overlap', prompt: 'slow job prompt', everySeconds: 3600, sessionId: session.id, model: 'fast' });

    await t.client.sendMessage(session.id, { text: 'slow user message' });
    const first = await t.client.runJob(job.id);
    expect(first).toMatchObject({ started: true, job: { lastStatus: 'running' } });
    const second = await t.client.runJob(job.id);
    expect(second).toMatchObject({ started: false, job: { lastStatus: 'running' } });
    // The job's message waits in the session queue with its job-level model snapshot.
    const queue = await eventually(() => t.client.listQueue(session.id), (q) => q.queue.length === 1, 'the job message queued');
    expect(queue.queue[0]).toMatchObject({ text: 'slow job prompt', modelConfigId: 'quick', modelSource: 'job' });

    const done = await eventually(() => t.client.getJob(job.id), (j) => j.lastStatus !== 'running', 'the job run to finish');
    expect(done.lastStatus).toBe('ok');
    expect((await conversation(t, session.id)).map((m) => m.content)).toEqual(['slow user message', 'slow reply', 'slow job prompt', 'job reply']);
    expect(t.fake.requests.filter((r) => r.messages.at(-1)?.content === 'slow job prompt')).toHaveLength(1);
    expect((await conversation(t, session.id)).at(-1)).toMatchObject({ modelConfigId: 'quick', modelSource: 'queued' });
  });

  it('records a failed run with its error', async () => {
    t.fake.addRule({ match: 'doomed prompt', status: 400 });
    const job = await t.client.createJob({ name: 'doomed', prompt: 'doomed prompt', everySeconds: 3600 });
    const ran = await t.client.runJob(job.id, { wait: true });
    expect(ran.job.lastStatus).toBe('error');
    expect(ran.job.lastError).toMatch(/model call failed/i);
    // A job whose target session was deleted meanwhile fails clearly too.
    const gone = await t.client.createJob({ name: 'lost session', prompt: 'p', everySeconds: 3600, sessionId: (await t.client.createSession({})).id });
    await t.api.engine.repository.sessions.delete(gone.sessionId!);
    const lost = await t.client.runJob(gone.id, { wait: true });
    expect(lost.job).toMatchObject({ lastStatus: 'error', lastError: expect.stringMatching(/does not exist/) });
    const [failed] = (await t.client.listJobRuns(job.id)).runs;
    expect(failed).toMatchObject({ status: 'error', trigger: 'manual', error: expect.stringMatching(/model call failed/i), finishedAt: expect.any(String) });
  });

  it('keeps a run history: every run now, newest first with its conversation; 404 for an unknown job; gone with its job', async () => {
    const job = await t.client.createJob({ name: 'history', prompt: 'history prompt', everySeconds: 3600 });
    expect(await t.client.listJobRuns(job.id)).toEqual({ runs: [] });

    const first = await t.client.runJob(job.id, { wait: true });
    const second = await t.client.runJob(job.id, { wait: true });
    expect([first.job.lastStatus, second.job.lastStatus]).toEqual(['ok', 'ok']);
    const session = await jobSession(t, 'history');

    const { runs } = await t.client.listJobRuns(job.id);
    expect(runs).toEqual([
      { id: expect.any(String), startedAt: second.job.lastRunAt, finishedAt: expect.any(String), status: 'ok', error: null, sessionId: session.id, trigger: 'manual' },
      { id: expect.any(String), startedAt: first.job.lastRunAt, finishedAt: expect.any(String), status: 'ok', error: null, sessionId: session.id, trigger: 'manual' },
    ]);
    expect(runs[0].id).not.toBe(runs[1].id);
    expect(new Date(runs[0].finishedAt!).getTime()).toBeGreaterThanOrEqual(new Date(runs[0].startedAt).getTime());
    expect((await t.client.listJobRuns(job.id, { limit: 1 })).runs).toEqual([runs[0]]);

    const tooMany = await rawRequest(t.api.url, 'GET', `/api/v1/jobs/${job.id}/runs?limit=51`, { headers: { authorization: `Bearer ${t.api.token}` } });
    expect([tooMany.status, tooMany.json.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = await apiError(t.client.listJobRuns('nope'));
    expect([unknown.status, unknown.code]).toEqual([404, 'JOB_NOT_FOUND']);

    await t.client.deleteJob(job.id);
    const deleted = await apiError(t.client.listJobRuns(job.id));
    expect(deleted.code).toBe('JOB_NOT_FOUND');
    expect(await t.api.app.get(JobStore).listRuns(job.id)).toEqual([]);
  });
});

describe('scheduled jobs across restarts (e2e)', () => {
  let t: TestApi;
  const configWith = (jobs: unknown[]) => (fake: TestApi['fake']) => testConfig(fake, { jobs });
  const writeConfig = (jobs: unknown[]) => writeFileSync(join(t.dataDir, 'config.json'), JSON.stringify(configWith(jobs)(t.fake)));

  beforeAll(async () => {
    t = await startTestApi({
      config: configWith([
        { name: 'from-file', everySeconds: 3600, prompt: 'file job' },
        { name: 'doomed-by-file', everySeconds: 3600, prompt: 'removed from the file later' },
      ]),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Stops the API, lets `edit` change the database directly, and starts it again on the same data. */
  async function restartWithEdit(edit: (jobs: JobStore) => Promise<void>): Promise<number> {
    await t.api.close();
    // The database the API ran on: its SQLite file, or its PostgreSQL database in that pass.
    const ds = t.env.DATABASE_URL
      ? createPostgresDataSource({ url: t.env.DATABASE_URL, entities: databaseEntities, migrations: databaseMigrations, poolSize: 1 })
      : createSqliteDataSource({ file: join(t.dataDir, 'switchboard.sqlite'), entities: databaseEntities, migrations: databaseMigrations });
    await ds.initialize();
    try {
      await edit(new JobStore(ds.manager));
    } finally {
      await ds.destroy();
    }
    const startedAt = Date.now();
    t.api = await startApi({ env: t.env });
    t.client = clientFor(t.api.url);
    return startedAt;
  }

  it('keeps jobs and re-arms them after a restart', async () => {
    const hourly = await t.client.createJob({ name: 'hourly', prompt: 'hourly prompt', everySeconds: 3600 });
    const fast = await t.client.createJob({ name: 'every-2s', prompt: 'two-second prompt', everySeconds: 2 });
    await eventually(() => t.client.getJob(fast.id), (j) => j.lastStatus === 'ok', 'the first run before the restart');

    await t.restart();
    const restartedAt = Date.now();
    expect(await t.client.getJob(hourly.id)).toMatchObject({ nextRunAt: hourly.nextRunAt, source: 'api', enabled: true });
    const ranAgain = await eventually(
      () => t.client.getJob(fast.id),
      (j) => j.lastStatus === 'ok' && new Date(j.lastRunAt!).getTime() >= restartedAt,
      'a run after the restart',
    );
    expect(new Date(ranAgain.nextRunAt!).getTime()).toBeGreaterThan(new Date(ranAgain.lastRunAt!).getTime());
    await t.client.updateJob(fast.id, { enabled: false });
    await eventually(() => t.client.getJob(fast.id), (j) => j.lastStatus !== 'running', 'the 2s job to settle');
    const names = (await t.client.listJobs()).jobs.map((j) => j.name).sort();
    expect(names).toEqual(['doomed-by-file', 'every-2s', 'from-file', 'hourly']);
  });

  it('catches up a run missed within the grace window once, skips older ones as missed, and marks cut-short runs', async () => {
    const late = await t.client.createJob({ name: 'late', prompt: 'late prompt', everySeconds: 3600 });
    const stale = await t.client.createJob({ name: 'stale', prompt: 'stale prompt', everySeconds: 3600 });
    const cut = await t.client.createJob({ name: 'cut-short', prompt: 'cut prompt', everySeconds: 3600 });
    const now = Date.now();
    const startedAt = await restartWithEdit(async (jobs) => {
      // Down for 3 hours: three hourly slots went by, still within the 24 h grace window.
      await jobs.update(late.id, { nextRunAt: new Date(now - 3 * HOUR).toISOString() });
      // Down for two days: beyond the grace window.
      await jobs.update(stale.id, { nextRunAt: new Date(now - 48 * HOUR).toISOString() });
      await jobs.update(cut.id, { lastStatus: 'running' });
    });

    const caughtUp = await eventually(() => t.client.getJob(late.id), (j) => j.lastStatus === 'ok', 'the catch-up run');
    expect(new Date(caughtUp.lastRunAt!).getTime()).toBeGreaterThanOrEqual(startedAt);
    expect(new Date(caughtUp.nextRunAt!).getTime()).toBeGreaterThan(Date.now() + 0.9 * HOUR);
    const lateSession = await jobSession(t, 'late');
    expect((await conversation(t, lateSession.id)).map((m) => m.content)).toEqual(['late prompt', 'Echo: late prompt']);

    const skipped = await t.client.getJob(stale.id);
    expect(skipped).toMatchObject({ lastStatus: 'missed', lastRunAt: null });
    expect(skipped.lastError).toMatch(/missed by 2d/);
    expect(new Date(skipped.nextRunAt!).getTime()).toBeGreaterThan(Date.now() + 0.9 * HOUR);
    const staleSession = (await t.client.listSessions({ channel: 'job' })).sessions.find((s) => s.peerId === 'stale');
    expect(staleSession).toBeUndefined();

    expect(await t.client.getJob(cut.id)).toMatchObject({ lastStatus: 'interrupted', lastError: expect.stringMatching(/restart/) });
    // One catch-up run only, however many slots were missed.
    expect((await conversation(t, lateSession.id)).filter((m) => m.role === 'user')).toHaveLength(1);
    // The history says which run was a catch-up, which was skipped, and which was cut short.
    expect((await t.client.listJobRuns(late.id)).runs).toEqual([expect.objectContaining({ trigger: 'catch_up', status: 'ok', sessionId: lateSession.id })]);
    expect((await t.client.listJobRuns(stale.id)).runs).toEqual([
      expect.objectContaining({ trigger: 'schedule', status: 'missed', sessionId: null, error: expect.stringMatching(/missed by 2d/) }),
    ]);
  });

  it('takes the grace window from SWITCHBOARD_JOBS_MISSED_GRACE_SECONDS', async () => {
    const job = await t.client.createJob({ name: 'strict', prompt: 'strict prompt', everySeconds: 3600 });
    const now = Date.now();
    t.env.SWITCHBOARD_JOBS_MISSED_GRACE_SECONDS = '3600';
    try {
      await restartWithEdit((jobs) => jobs.update(job.id, { nextRunAt: new Date(now - 2 * HOUR).toISOString() }).then(() => undefined));
    } finally {
      delete t.env.SWITCHBOARD_JOBS_MISSED_GRACE_SECONDS;
    }
    const skipped = await t.client.getJob(job.id);
    expect(skipped).toMatchObject({ lastStatus: 'missed', lastRunAt: null });
    // A slow restart adds seconds to the lateness ("2h 1s").
    expect(skipped.lastError).toMatch(/missed by 2h( \d+s)?, more than the 1h grace window/);
  });

  it('follows the config file on restart; an API toggle of a config job survives it', async () => {
    const fromFile = await jobByName(t, 'from-file');
    await t.client.updateJob(fromFile.id, { enabled: false });
    writeConfig([
      { name: 'from-file', everySeconds: 3600, prompt: 'file job, edited' },
      { name: 'new-in-file', cron: '@daily', prompt: 'added' },
    ]);
    await t.restart();
    const jobs = (await t.client.listJobs()).jobs;
    expect(jobs.find((j) => j.name === 'doomed-by-file')).toBeUndefined();
    expect(jobs.find((j) => j.name === 'new-in-file')).toMatchObject({ source: 'config', cron: '@daily', enabled: true });
    expect(jobs.find((j) => j.name === 'from-file')).toMatchObject({ id: fromFile.id, prompt: 'file job, edited', enabled: false, nextRunAt: null });
    expect(jobs.find((j) => j.name === 'hourly')).toMatchObject({ source: 'api' });
  });
});
