/**
 * GET /api/v1/health/ready, the load balancers' probe: 200 with every check ok (on SQLite, and on
 * PostgreSQL in the suite's PostgreSQL pass); 503 NOT_READY naming the failing check when a
 * migration is pending or the database is gone; public like liveness, and in the OpenAPI document.
 */
import { Client } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { testPostgresUrl } from '@switchboard/persistence/testing';
import { DATA_SOURCE } from '../src/core/tokens';
import { onPostgres, rawRequest, startTestApi, type TestApi } from './harness';

const READY = '/api/v1/health/ready';

describe('readiness probe', () => {
  let t: TestApi | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('answers 200 ready with each check, without a token, and is documented', async () => {
    t = await startTestApi();
    const res = await rawRequest(t.api.url, 'GET', READY);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', catalog: 'ok' } });
    expect(await t.client.healthReady()).toEqual(res.json);
    // Probes are not rate-limited: many in a row all answer.
    const many = await Promise.all(Array.from({ length: 30 }, () => rawRequest(t!.api.url, 'GET', READY)));
    expect(many.map((r) => r.status)).toEqual(Array(30).fill(200));

    const doc = await rawRequest(t.api.url, 'GET', '/api/docs-json');
    const op = (doc.json.paths as Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>)[READY]?.get;
    expect(op?.security).toEqual([]);
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual(['200', '503']);
  });

  it('is 503 NOT_READY naming migrations while one is pending, and caches the check once it passed', async () => {
    t = await startTestApi();
    const ds = t.api.app.get<DataSource>(DATA_SOURCE);
    const [last] = (await ds.createQueryBuilder().select(['m.name AS name', 'm.timestamp AS timestamp']).from('migrations', 'm').orderBy('m.id', 'DESC').limit(1).getRawMany()) as Array<{
      name: string;
      timestamp: string | number;
    }>;
    const forget = () => ds.createQueryBuilder().delete().from('migrations').where('name = :name', { name: last.name }).execute();
    const remember = () => ds.createQueryBuilder().insert().into('migrations').values({ name: last.name, timestamp: Number(last.timestamp) }).execute();

    // The last migration recorded as not applied: the schema is behind the code.
    await forget();
    const pending = await rawRequest(t.api.url, 'GET', READY);
    expect(pending.status).toBe(503);
    expect(pending.json.error).toMatchObject({ code: 'NOT_READY', details: { checks: { database: 'ok', migrations: 'failed', catalog: 'ok' } } });
    expect(pending.json.error!.message).toContain('migrations failed');

    await remember();
    expect((await rawRequest(t.api.url, 'GET', READY)).status).toBe(200);
    // Passed once, no longer asked (migrations do not come undone while the process runs): cheap to poll.
    await forget();
    expect((await rawRequest(t.api.url, 'GET', READY)).status).toBe(200);
    await remember();
  });

  it('is 503 NOT_READY naming the database when the database is gone, while liveness still answers; logs the change once', async () => {
    const lines: Array<{ msg: string; checks?: unknown; databaseError?: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    t = await startTestApi({ logger });
    expect((await rawRequest(t.api.url, 'GET', READY)).status).toBe(200);
    if (onPostgres()) {
      // The database dropped under the running API (its connections terminated).
      const name = new URL(t.env.DATABASE_URL).pathname.slice(1);
      const admin = new Client({ connectionString: testPostgresUrl()! });
      await admin.connect();
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    } else {
      await t.api.app.get<DataSource>(DATA_SOURCE).destroy();
    }
    const started = Date.now();
    const gone = await rawRequest(t.api.url, 'GET', READY);
    expect(gone.status).toBe(503);
    expect(gone.json.error).toMatchObject({ code: 'NOT_READY', details: { checks: { database: 'failed', migrations: 'ok', catalog: 'ok' } } });
    expect(gone.json.error!.message).toBe('Not ready: database failed.');
    // A probe gets its answer well within a load balancer's timeout.
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await rawRequest(t.api.url, 'GET', '/api/v1/health')).status).toBe(200);
    // Polled again and again, the change is logged once (with the driver's reason), not on every probe.
    for (let i = 0; i < 3; i++) expect((await rawRequest(t.api.url, 'GET', READY)).status).toBe(503);
    const changes = lines.filter((l) => l.msg === 'ready' || l.msg === 'not ready');
    expect(changes.map((l) => l.msg)).toEqual(['ready', 'not ready']);
    expect(changes[1]).toMatchObject({ checks: { database: 'failed' }, databaseError: expect.any(String) });
  });
});
