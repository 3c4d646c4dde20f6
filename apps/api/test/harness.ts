import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { DestinationStream, Logger } from 'pino';
import WebSocket from 'ws';
import { SwitchboardClient, type SwitchboardSocket, type WebSocketConstructor } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { apiTestEnv, eventually, FAKE_KEY, fakeCatalog } from '@switchboard/tools/testing';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '@switchboard/persistence/testing';
import { startApi, type RunningApi } from '../src/app';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
/** Headers of an authorised request without a body, and of one with a JSON body. */
export const AUTH_HEADERS = { authorization: `Bearer ${TEST_TOKEN}` };
export const JSON_AUTH_HEADERS = { ...AUTH_HEADERS, 'content-type': 'application/json' };

/** The shared e2e catalog over the fake LLM (two OpenAI-compatible engines, an Anthropic one, a local one, a small one). */
export const testConfig = fakeCatalog;
export { eventually };

export interface TestApi {
  api: RunningApi;
  client: SwitchboardClient;
  dataDir: string;
  fake: FakeLlmServer;
  env: Record<string, string>;
  socket(): Promise<SwitchboardSocket>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The environment variable that runs the API e2e suite on PostgreSQL (the `api-e2e-postgres` Jest project sets it). */
export const TEST_DATABASE_ENV = 'SWITCHBOARD_TEST_DATABASE';

/** True in the e2e suite's PostgreSQL pass. */
export function onPostgres(): boolean {
  return process.env[TEST_DATABASE_ENV] === 'postgres';
}

/** `describe` for tests about the SQLite file itself (its modes, its WAL, a release's file): skipped in the PostgreSQL pass. */
export const describeSqlite: jest.Describe = onPostgres() ? describe.skip : describe;
/** `it` for one test about the SQLite file itself: skipped in the PostgreSQL pass. */
export const itSqlite: jest.It = onPostgres() ? it.skip : it;
/** `describe` for tests that make their own databases (replicas, start-up with a given DATABASE_URL): once, in the main pass. */
export const describeMainPassOnly: jest.Describe = onPostgres() ? describe.skip : describe;

// In the PostgreSQL pass the database goes with the data dir, as SQLite's file does: an API started again on a data dir finds its data.
const databasesOfDataDirs = new Map<string, PostgresTestDatabase>();

/** Starts the real API on port 0 with a temp data dir and the fake LLM behind it (and a fresh PostgreSQL database in the PostgreSQL pass). */
export async function startTestApi(
  opts: {
    config?: (fake: FakeLlmServer) => Record<string, unknown>;
    fake?: FakeLlmServer;
    dataDir?: string;
    logger?: Logger;
    logDestination?: DestinationStream;
    env?: Record<string, string>;
    clock?: () => Date;
  } = {},
): Promise<TestApi> {
  const fake = opts.fake ?? (await startFakeLlm({ apiKey: FAKE_KEY }));
  const { dataDir, env: baseEnv } = apiTestEnv((opts.config ?? testConfig)(fake), { token: TEST_TOKEN, logLevel: 'silent', ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
  // The PostgreSQL pass of the e2e suite: the same tests, each API on a fresh database of the run's cluster.
  const pg = onPostgres() && !opts.env?.DATABASE_URL ? (databasesOfDataDirs.get(dataDir) ?? (await createPostgresTestDatabase())) : null;
  if (pg) databasesOfDataDirs.set(dataDir, pg);
  const env = { ...baseEnv, ...(pg ? { DATABASE_URL: pg.url } : {}), ...opts.env };
  const sockets: SwitchboardSocket[] = [];
  const t: TestApi = {
    api: await startApi({ env, ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.logDestination ? { logDestination: opts.logDestination } : {}), ...(opts.clock ? { clock: opts.clock } : {}) }),
    client: null as unknown as SwitchboardClient,
    dataDir,
    fake,
    env,
    async socket() {
      const s = await t.client.connect();
      sockets.push(s);
      return s;
    },
    async restart() {
      for (const s of sockets.splice(0)) s.close();
      await t.api.close();
      t.api = await startApi({ env, ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.logDestination ? { logDestination: opts.logDestination } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
      t.client = clientFor(t.api.url);
    },
    async close() {
      for (const s of sockets.splice(0)) s.close();
      await t.api.close();
      if (!opts.fake) await fake.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (pg) {
        databasesOfDataDirs.delete(dataDir);
        await pg.drop();
      }
    },
  };
  t.client = clientFor(t.api.url);
  return t;
}

/**
 * Raw SQL (`?` placeholders) on a test API's database, its SQLite file or, in the PostgreSQL pass,
 * its PostgreSQL database: for checks of what is stored that the API does not show.
 */
export async function queryDatabase<T = Record<string, unknown>>(t: Pick<TestApi, 'dataDir' | 'env'>, sql: string, params: unknown[] = []): Promise<T[]> {
  if (t.env.DATABASE_URL) {
    const client = new Client({ connectionString: t.env.DATABASE_URL });
    await client.connect();
    try {
      let n = 0;
      return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(t.dataDir, 'switchboard.sqlite'), { fileMustExist: true });
  try {
    const stmt = db.prepare(sql);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  } finally {
    db.close();
  }
}

export function clientFor(url: string, token: string = TEST_TOKEN): SwitchboardClient {
  return new SwitchboardClient({ baseUrl: url, token, WebSocket: WebSocket as unknown as WebSocketConstructor });
}

/** Raw HTTP for malformed-input tests (the typed client would refuse to send them). */
export async function rawRequest(url: string, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(url + path, { method, body: init.body, headers: init.headers });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json: json as { error?: { code: string; message: string; details?: Record<string, unknown> } } & Record<string, unknown>, text };
}

/** Requests made for conversation turns (they offer tools), not for delegated side work (titles, compaction, memory). */
export function turnRequests(fake: FakeLlmServer): FakeLlmServer['requests'] {
  return fake.requests.filter((r) => Array.isArray((r.body as { tools?: unknown }).tools));
}

/** The last conversation-turn request the fake LLM received. */
export function lastTurnRequest(fake: FakeLlmServer): FakeLlmServer['requests'][number] {
  const all = turnRequests(fake);
  if (all.length === 0) throw new Error('the fake LLM received no turn request');
  return all[all.length - 1];
}
