import type { DataSource } from 'typeorm';
import type { PostgresTestDataSource } from '@switchboard/persistence/testing';
import { openPostgresJobsDatabase, openReplicaDataSource, openTestDatabase, type TestDatabase } from './testing/test-database';
import { JobStore, type ConfigJobInput, type NewJobInput } from './job.store';
import { nextRunAt, planDueRun } from './job-schedule';

const T0 = new Date('2026-01-01T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const DUE = later(60_000).toISOString();

const everyMinute = (over: Partial<NewJobInput> = {}): NewJobInput => ({
  name: 'pulse',
  schedule: { kind: 'interval', everySeconds: 60 },
  prompt: 'ping',
  target: { channel: 'job', peerId: 'pulse' },
  model: null,
  enabled: true,
  source: 'api',
  nextRunAt: DUE,
  ...over,
});

const configJob = (name: string): ConfigJobInput => ({
  name,
  schedule: { kind: 'interval', everySeconds: 3600 },
  prompt: 'Check the backups',
  target: { channel: 'job', peerId: name },
  model: null,
  enabled: true,
});

async function runCount(ds: DataSource, jobId: string): Promise<number> {
  const rows = (await ds.query(`SELECT COUNT(*) AS "n" FROM "job_runs" WHERE "job_id" = $1`, [jobId])) as Array<{ n: string }>;
  return Number(rows[0].n);
}

// The claim is the same SQL on both databases: a stale due time never starts a run.
describe('JobStore claims on SQLite', () => {
  let db: TestDatabase;
  let jobs: JobStore;

  beforeEach(async () => {
    db = await openTestDatabase();
    jobs = new JobStore(db.ds.manager);
  });
  afterEach(() => db.close());

  it('starts a scheduled run only while next_run_at is still the due time it claims', async () => {
    const job = await jobs.create(everyMinute(), T0);
    const next = later(120_000).toISOString();
    const claim = () => jobs.beginRun(job.id, { at: later(60_000), nextRunAt: next, requireEnabled: true, due: DUE, run: { id: crypto.randomUUID(), trigger: 'schedule' } });
    expect(await claim()).toMatchObject({ lastStatus: 'running', nextRunAt: next });
    // The same due time again (a second timer, or a second replica): refused, nothing recorded.
    expect(await claim()).toBeNull();
    expect(await jobs.listRuns(job.id)).toHaveLength(1);
    // A skip claims the same way.
    expect(await jobs.skipRun(job.id, { due: DUE, at: later(1), nextRunAt: next, error: 'late' })).toBeNull();
    expect(await jobs.skipRun(job.id, { due: next, at: later(61_000), nextRunAt: later(180_000).toISOString(), error: 'late' })).toMatchObject({
      lastStatus: 'missed',
      lastError: 'late',
      nextRunAt: later(180_000).toISOString(),
    });
    expect((await jobs.listRuns(job.id)).map((r) => r.status)).toEqual(['missed', 'running']);
  });

  it('sets a next run only when there is none', async () => {
    const job = await jobs.create(everyMinute({ nextRunAt: null }), T0);
    expect((await jobs.setNextRunIfUnset(job.id, DUE))!.nextRunAt).toBe(DUE);
    expect((await jobs.setNextRunIfUnset(job.id, later(5).toISOString()))!.nextRunAt).toBe(DUE);
    expect(await jobs.setNextRunIfUnset('nope', DUE)).toBeNull();
  });
});

describe('JobStore on PostgreSQL shared by two replicas', () => {
  let db: PostgresTestDataSource;
  let other: DataSource;
  let a: JobStore;
  let b: JobStore;

  beforeEach(async () => {
    db = await openPostgresJobsDatabase();
    other = await openReplicaDataSource(db.url);
    a = new JobStore(db.ds.manager);
    b = new JobStore(other.manager);
  });
  afterEach(async () => {
    await other.destroy();
    await db.close();
  });

  it('two replicas racing for the same due run: exactly one claims it, every time', async () => {
    const job = await a.create(everyMinute(), T0);
    let due = DUE;
    for (let slot = 1; slot <= 20; slot++) {
      const at = new Date(due);
      const next = nextRunAt({ kind: 'interval', everySeconds: 60 }, at).toISOString();
      const claim = (store: JobStore) =>
        store.beginRun(job.id, { at, nextRunAt: next, requireEnabled: true, due, run: { id: crypto.randomUUID(), trigger: 'schedule' } });
      const [fromA, fromB] = await Promise.all([claim(a), claim(b)]);
      expect([fromA, fromB].filter(Boolean)).toHaveLength(1);
      expect((fromA ?? fromB)!.nextRunAt).toBe(next);
      due = next;
    }
    expect(await runCount(db.ds, job.id)).toBe(20);
  });

  it('a missed run is caught up once when two replicas start together', async () => {
    const job = await a.create(everyMinute(), T0);
    // Both replicas start 10 minutes after the due time and apply the missed-run policy.
    const now = later(11 * 60_000);
    // Each replica reads the job before any claims it (the worst case: all see the run due).
    const replicas = [a, b, a, b];
    const seen = await Promise.all(replicas.map(async (store) => (await store.get(job.id))!));
    for (const stored of seen) expect(planDueRun(new Date(stored.nextRunAt!), now)).toMatchObject({ action: 'run' });
    const start = (store: JobStore, i: number) =>
      store.beginRun(job.id, {
        at: now,
        nextRunAt: nextRunAt({ kind: 'interval', everySeconds: 60 }, now).toISOString(),
        requireEnabled: true,
        due: seen[i].nextRunAt!,
        run: { id: crypto.randomUUID(), trigger: 'catch_up' },
      });
    const results = await Promise.all(replicas.map(start));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await a.listRuns(job.id)).map((r) => r.trigger)).toEqual(['catch_up']);
  });

  it('a run skipped as missed is recorded once', async () => {
    const job = await a.create(everyMinute(), T0);
    const skip = (store: JobStore) => store.skipRun(job.id, { due: DUE, at: later(1), nextRunAt: later(120_000).toISOString(), error: 'missed' });
    const results = await Promise.all([skip(a), skip(b)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await b.listRuns(job.id)).map((r) => r.status)).toEqual(['missed']);
  });

  it('arming a job without a next run: both replicas end up with the same one', async () => {
    const job = await a.create(everyMinute({ nextRunAt: null }), T0);
    const [fromA, fromB] = await Promise.all([a.setNextRunIfUnset(job.id, later(1000).toISOString()), b.setNextRunIfUnset(job.id, later(2000).toISOString())]);
    expect(fromA!.nextRunAt).toBe(fromB!.nextRunAt);
  });

  it('replicas syncing the config file together both start, with one row per job', async () => {
    const file = [configJob('nightly'), configJob('weekly'), configJob('hourly')];
    const [ra, rb] = await Promise.all([a.syncConfigJobs(file, T0), b.syncConfigJobs(file, T0)]);
    expect([ra.created, rb.created].map((c) => c.length).sort()).toEqual([0, 3]);
    expect((await a.list()).map((j) => j.name)).toEqual(['hourly', 'nightly', 'weekly']);
  });

  it('the same new name on two replicas at once: one is created, the other refused as a taken name', async () => {
    const results = await Promise.allSettled([a.create(everyMinute({ name: 'twin' }), T0), b.create(everyMinute({ name: 'twin' }), T0)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'name' } });
  });

  it('runs hold leases: a restart or a sweep marks only runs nobody holds any more', async () => {
    const live = await a.create(everyMinute({ name: 'live' }), T0);
    const dead = await a.create(everyMinute({ name: 'dead' }), T0);
    const unleased = await a.create(everyMinute({ name: 'unleased' }), T0);
    const now = later(60_000);
    const begin = (store: JobStore, jobId: string, runId: string, lease?: { replicaId: string; until: Date }) =>
      store.beginRun(jobId, { at: now, requireEnabled: false, run: { id: runId, trigger: 'manual' }, ...(lease ? { lease } : {}) });
    await begin(a, live.id, 'run-live', { replicaId: 'a', until: later(75_000) });
    await begin(b, dead.id, 'run-dead', { replicaId: 'gone', until: later(59_000) });
    await begin(a, unleased.id, 'run-unleased');

    // Replica c starting: the lapsed and the unleased runs are nobody's; a's live run is left alone.
    expect((await b.markRunningInterrupted(now, { id: 'c', restarted: true })).sort()).toEqual([dead.id, unleased.id].sort());
    expect(await a.get(live.id)).toMatchObject({ lastStatus: 'running' });
    expect((await a.listRuns(live.id))[0]).toMatchObject({ id: 'run-live', status: 'running' });
    expect((await a.listRuns(dead.id))[0]).toMatchObject({ id: 'run-dead', status: 'interrupted', error: expect.stringMatching(/restart/) });
    // a's own sweep leaves its run alone while it renews the lease past the first expiry...
    await a.renewRunLeases('a', ['run-live'], later(90_000));
    expect(await a.markRunningInterrupted(later(80_000), { id: 'a', restarted: false })).toEqual([]);
    expect((await a.listRuns(live.id))[0].status).toBe('running');
    // ...and a restarted a knows its own runs died with it.
    expect(await a.markRunningInterrupted(later(81_000), { id: 'a', restarted: true })).toEqual([live.id]);
    expect((await a.listRuns(live.id))[0].status).toBe('interrupted');
    // A sweep says the replica stopped (nothing restarted here).
    await b.beginRun(dead.id, { at: later(82_000), requireEnabled: false, run: { id: 'run-dead-2', trigger: 'manual' }, lease: { replicaId: 'gone', until: later(83_000) } });
    expect(await a.markRunningInterrupted(later(84_000), { id: 'a', restarted: false })).toEqual([dead.id]);
    expect(await a.get(dead.id)).toMatchObject({ lastStatus: 'interrupted', lastError: expect.stringMatching(/replica running it stopped/) });
  });

  it('a run that ends after another replica took the job over leaves the job showing the newer run', async () => {
    const job = await a.create(everyMinute(), T0);
    await a.beginRun(job.id, { at: later(1), requireEnabled: false, run: { id: 'first', trigger: 'manual' }, lease: { replicaId: 'a', until: later(20_000) } });
    // a stopped renewing (unreachable for a while): once its lease lapsed, b runs the job.
    expect(await b.beginRun(job.id, { at: later(25_000), requireEnabled: false, run: { id: 'second', trigger: 'manual' }, lease: { replicaId: 'b', until: later(40_000) } })).not.toBeNull();
    expect(await a.endRun(job.id, 'first', { status: 'ok', error: null })).toMatchObject({ lastStatus: 'running' });
    expect(await b.endRun(job.id, 'second', { status: 'error', error: 'boom' })).toMatchObject({ lastStatus: 'error', lastError: 'boom' });
    // Nothing of it is running any more: a sweep finds nothing.
    expect(await a.markRunningInterrupted(later(30_000), { id: 'a', restarted: false })).toEqual([]);
  });

  it('a claim waits while another replica holds a lease on a run of the job, and not for a lapsed one', async () => {
    const job = await a.create(everyMinute(), T0);
    const next = later(120_000).toISOString();
    await a.beginRun(job.id, { at: later(50_000), requireEnabled: false, run: { id: 'manual-a', trigger: 'manual' }, lease: { replicaId: 'a', until: later(65_000) } });
    const claim = (at: Date) =>
      b.beginRun(job.id, { at, nextRunAt: next, requireEnabled: true, due: DUE, run: { id: crypto.randomUUID(), trigger: 'schedule' }, lease: { replicaId: 'b', until: new Date(at.getTime() + 15_000) } });
    expect(await claim(later(60_000))).toBeNull();
    // A manual run on b waits the same way.
    expect(await b.beginRun(job.id, { at: later(60_000), requireEnabled: false, run: { id: 'manual-b', trigger: 'manual' }, lease: { replicaId: 'b', until: later(75_000) } })).toBeNull();
    expect((await b.listRuns(job.id)).map((r) => r.id)).toEqual(['manual-a']);
    // Nothing changed: the slot is still due, the run in flight still a's.
    expect(await b.get(job.id)).toMatchObject({ nextRunAt: DUE, lastStatus: 'running' });
    // Once a's lease lapses (a died), the due run goes ahead on b.
    expect(await claim(later(66_000))).toMatchObject({ nextRunAt: next, lastStatus: 'running' });
    // Without a lease (SQLite, one process), the store does not wait: the scheduler's own map keeps runs apart.
    const solo = await a.create(everyMinute({ name: 'solo' }), T0);
    await a.beginRun(solo.id, { at: later(50_000), requireEnabled: false, run: { id: 'manual-solo', trigger: 'manual' } });
    expect(await a.beginRun(solo.id, { at: later(60_000), nextRunAt: next, requireEnabled: true, due: DUE })).toMatchObject({ nextRunAt: next });
  });
});
