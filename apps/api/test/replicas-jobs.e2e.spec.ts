import { Client } from 'pg';
import { OWNER_PERSON_ID, type JobRun } from '@switchboard/protocol';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '@switchboard/persistence/testing';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { FAKE_KEY } from '@switchboard/tools/testing';
import { describeMainPassOnly, eventually, startTestApi, turnRequests, type TestApi } from './harness';

/**
 * Two API replicas in one process on one fresh PostgreSQL database (each with its own replica
 * id, data directory and cluster bus, sharing one fake LLM): scheduled jobs run once per due
 * time, and what one replica changes is in force on the other. PostgreSQL only, so it runs in
 * the main pass and is skipped in the PostgreSQL pass (it would run the same thing again).
 */

/** Turn requests whose newest user message is the job's prompt: one per run that reached the model. */
function runsOfPrompt(fake: FakeLlmServer, prompt: string): number {
  return turnRequests(fake).filter((r) => {
    const messages = (r.body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? [];
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    return lastUser !== undefined && JSON.stringify(lastUser.content).includes(prompt);
  }).length;
}

describeMainPassOnly('replicas on one PostgreSQL database: jobs and caches (e2e)', () => {
  let db: PostgresTestDatabase;
  let fake: FakeLlmServer;
  const apis: TestApi[] = [];

  /** A replica on the shared database; `rescanSeconds` high leaves changes to the cluster bus alone. */
  const replica = async (id: string, rescanSeconds = 3600): Promise<TestApi> => {
    const t = await startTestApi({
      fake,
      env: { DATABASE_URL: db.url, SWITCHBOARD_REPLICA_ID: id, SWITCHBOARD_RESCAN_SECONDS: String(rescanSeconds), SWITCHBOARD_TURN_LEASE_SECONDS: '3' },
    });
    apis.push(t);
    return t;
  };
  const close = async (t: TestApi) => {
    apis.splice(apis.indexOf(t), 1);
    await t.close();
  };

  beforeEach(async () => {
    db = await createPostgresTestDatabase();
    fake = await startFakeLlm({ apiKey: FAKE_KEY });
  });
  afterEach(async () => {
    for (const t of apis.splice(0)) await t.close();
    await fake.close();
    await db.drop();
  });

  it('an everySeconds job fires once per due time, armed on both replicas', async () => {
    const [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
    const prompt = 'pulse across replicas';
    const job = await a.client.createJob({ name: 'pulse', everySeconds: 2, prompt, model: 'fast' });
    const runs = await eventually(
      async () => (await b.client.listJobRuns(job.id, { limit: 50 })).runs,
      (r) => r.filter((x) => x.status === 'ok').length >= 4,
      'four finished runs',
      20_000,
    );
    const finished = runs.filter((r) => r.status !== 'running');
    // A timer firing over a second late (a loaded machine) makes a run a catch-up: still one per due time.
    expect(finished.every((r) => ['schedule', 'catch_up'].includes(r.trigger) && r.status === 'ok')).toBe(true);
    // Each due time is 2 s after the previous run started: a second replica running the same
    // due time would start within milliseconds of the first.
    const starts = runs.map((r) => Date.parse(r.startedAt)).sort((x, y) => x - y);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThan(1500);
    // And the model saw one turn per recorded run (none ran without its row).
    await b.client.updateJob(job.id, { enabled: false });
    const recorded = await eventually(
      async () => (await a.client.listJobRuns(job.id, { limit: 50 })).runs,
      (r) => r.every((x) => x.status !== 'running'),
      'runs in flight to finish',
    );
    expect(runsOfPrompt(fake, prompt)).toBe(recorded.length);
  });

  it('a job created on A runs once per due time even when only B is left', async () => {
    const [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
    const prompt = 'left to replica b';
    const job = await a.client.createJob({ name: 'orphan', everySeconds: 2, prompt, model: 'fast' });
    await close(a);
    const runs = await eventually(
      async () => (await b.client.listJobRuns(job.id)).runs,
      (r) => r.filter((x) => x.status === 'ok').length >= 2,
      'two runs on replica b',
      15_000,
    );
    expect(runs.filter((r) => r.status === 'ok').every((r) => ['schedule', 'catch_up'].includes(r.trigger))).toBe(true);
    const starts = runs.map((r) => Date.parse(r.startedAt)).sort((x, y) => x - y);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThan(1500);
  });

  it('a run missed while every replica was down is caught up once when two start together', async () => {
    const first = await replica('replica-a');
    const prompt = 'caught up once';
    const job = await first.client.createJob({ name: 'hourly', everySeconds: 3600, prompt, model: 'fast' });
    await close(first);
    // Ten minutes overdue: within the grace window, so it is caught up (once) on start.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query(`UPDATE "jobs" SET "next_run_at" = $1 WHERE "id" = $2`, [new Date(Date.now() - 600_000).toISOString(), job.id]);
    await pg.end();

    const [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
    const runs = await eventually(
      async () => (await a.client.listJobRuns(job.id)).runs,
      (r) => r.some((x) => x.trigger === 'catch_up' && x.status === 'ok'),
      'the catch-up run',
    );
    // Both replicas applied the missed-run policy at start; give a second claim time to show.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = (await b.client.listJobRuns(job.id)).runs;
    expect(after.map((r: JobRun) => [r.trigger, r.status])).toEqual([['catch_up', 'ok']]);
    expect(after[0].id).toBe(runs[0].id);
    expect(runsOfPrompt(fake, prompt)).toBe(1);
    // The next slot is an hour from the catch-up, the same on both replicas.
    const [onA, onB] = await Promise.all([a.client.getJob(job.id), b.client.getJob(job.id)]);
    expect(onA.nextRunAt).toBe(onB.nextRunAt);
    expect(Date.parse(onA.nextRunAt!) - Date.parse(after[0].startedAt)).toBe(3600_000);
  });

  it('runs of one job never overlap across replicas: run now on B while A runs it is refused', async () => {
    const [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
    fake.addRule({ match: 'slow replicated prompt', reply: 'slow reply', firstTokenDelayMs: 1500 });
    const job = await a.client.createJob({ name: 'slow', everySeconds: 3600, prompt: 'slow replicated prompt', model: 'fast' });
    expect(await a.client.runJob(job.id)).toMatchObject({ started: true, job: { lastStatus: 'running' } });
    expect(await b.client.runJob(job.id)).toMatchObject({ started: false, job: { lastStatus: 'running' } });
    await eventually(() => b.client.getJob(job.id), (j) => j.lastStatus === 'ok', 'the run on replica a to finish');
    expect(runsOfPrompt(fake, 'slow replicated prompt')).toBe(1);
    // Once it has ended, B may run it.
    expect(await b.client.runJob(job.id, { wait: true })).toMatchObject({ started: true, job: { lastStatus: 'ok' } });
    expect((await a.client.listJobRuns(job.id)).runs.map((r) => [r.trigger, r.status])).toEqual([
      ['manual', 'ok'],
      ['manual', 'ok'],
    ]);
  });

  it('a run whose replica died is marked interrupted by a live one within its lease; a restart leaves live runs alone', async () => {
    const [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
    fake.addRule({ match: 'long replicated prompt', reply: 'long reply', firstTokenDelayMs: 5000 });
    const orphan = await a.client.createJob({ name: 'orphan-run', everySeconds: 3600, prompt: 'p', model: 'fast' });
    const long = await a.client.createJob({ name: 'long-run', everySeconds: 3600, prompt: 'long replicated prompt', model: 'fast' });
    // A replica that died mid-run leaves this behind (its process is gone, its lease lapses).
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const lapses = new Date(Date.now() + 1000).toISOString();
    await pg.query(`UPDATE "jobs" SET "last_status" = 'running', "run_id" = 'dead-run', "run_replica" = 'replica-dead', "run_lease_until" = $1 WHERE "id" = $2`, [lapses, orphan.id]);
    await pg.query(`INSERT INTO "job_runs" ("id", "job_id", "started_at", "status", "trigger") VALUES ('dead-run', $1, $2, 'running', 'schedule')`, [orphan.id, new Date().toISOString()]);
    await pg.end();

    // Meanwhile A runs the long job, and B restarts: A's run is live and must stay so.
    expect(await a.client.runJob(long.id)).toMatchObject({ started: true });
    await b.restart();
    expect(await b.client.getJob(long.id)).toMatchObject({ lastStatus: 'running' });

    const recovered = await eventually(() => b.client.getJob(orphan.id), (j) => j.lastStatus === 'interrupted', 'the dead replica’s run marked interrupted', 10_000);
    expect(recovered.lastError).toMatch(/cut short/);
    expect((await b.client.listJobRuns(orphan.id)).runs[0]).toMatchObject({ id: 'dead-run', status: 'interrupted' });
    const done = await eventually(() => b.client.getJob(long.id), (j) => j.lastStatus !== 'running', 'the long run to end', 15_000);
    expect(done.lastStatus).toBe('ok');
    expect((await a.client.listJobRuns(long.id)).runs.map((r) => r.status)).toEqual(['ok']);
  });

  it('a person created, renamed and given another role on A is in force on B (cluster bus)', async () => {
    const [a, b] = await Promise.all([replica('replica-a'), replica('replica-b')]);
    // B reads people once at start; the owner's rename on A must reach its copy.
    expect((await b.client.getPerson(OWNER_PERSON_ID)).person.displayName).toBe('Owner');
    await a.client.updatePerson(OWNER_PERSON_ID, { displayName: 'Boss' });
    await eventually(
      async () => (await b.client.getPerson(OWNER_PERSON_ID)).person.displayName,
      (name) => name === 'Boss',
      'the rename on replica b',
      5000,
    );

    // A member approved on A exists on B, and then changes role and limits there too.
    await a.client.addApprovedUser('telegram', { userId: '5151', displayName: 'Eve' });
    const eve = await eventually(
      async () => (await b.client.listPeople()).people.find((p) => p.identities.some((i) => i.peerId === '5151')),
      (p) => p !== undefined,
      'the new member on replica b',
      5000,
    );
    expect(eve).toMatchObject({ displayName: 'Eve', role: 'member' });
    await a.client.updatePerson(eve!.id, { role: 'owner', displayName: 'Eve Admin' });
    const promoted = await eventually(
      async () => (await b.client.getPerson(eve!.id)).person,
      (p) => p.role === 'owner',
      'the role change on replica b',
      5000,
    );
    expect(promoted).toMatchObject({ displayName: 'Eve Admin', limits: { messagesPerMinute: null, tokensPerDay: null } });
  });
});
