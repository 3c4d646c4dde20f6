/**
 * `npm run switchboard -- migrate-db`, run as an operator runs it (the launcher, as a process):
 * a previous release's SQLite file and a data directory written by this API are copied into
 * empty PostgreSQL databases, every row identical; the API then serves the same data from
 * PostgreSQL; a non-empty target is refused untouched; a bad URL is explained without its password.
 * The test drives PostgreSQL itself, so it runs in the SQLite pass only.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { createPostgresDataSource, runMigrations } from '@switchboard/persistence';
import { createPostgresTestDatabase, testPostgresUrl, type PostgresTestDatabase } from '@switchboard/persistence/testing';
import { startFakeLlm } from '@switchboard/tools/fake-llm';
import { FAKE_KEY, REPO_ROOT, makePng } from '@switchboard/tools/testing';
import { databaseEntities, databaseMigrations } from '../src/database/schema';
import { describeSqlite, eventually, startTestApi, type TestApi } from './harness';

const FIXTURE = join(__dirname, 'fixtures/release-0.1.sqlite');
const SQLITE_FILE = 'switchboard.sqlite';

type Row = Record<string, unknown>;

/** Runs the launcher that `npm run switchboard` runs. */
function migrateDb(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
    delete childEnv.SWITCHBOARD_DATA_DIR;
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/scripts/switchboard.mjs'), 'migrate-db', ...args], { cwd: REPO_ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const sortRows = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();

interface TableDump {
  columns: string[];
  rows: Row[];
}

/** Every ordinary table of the SQLite file (not FTS, not SQLite's own, not the migrations bookkeeping): its columns and rows as the driver reads them. */
function sqliteDump(file: string): Map<string, TableDump> {
  const db = new Database(file, { readonly: true });
  try {
    const list = db.prepare('PRAGMA main.table_list').all() as Array<{ name: string; type: string }>;
    // Virtual tables' shadow tables (sqlite-vec's look ordinary without its module) are their index, not rows to copy.
    const virtual = list.filter((t) => t.type === 'virtual').map((t) => `${t.name}_`);
    const tables = list
      .filter((t) => t.type === 'table' && !t.name.startsWith('sqlite_') && t.name !== 'migrations' && !virtual.some((v) => t.name.startsWith(v)))
      .map((t) => t.name);
    return new Map(
      tables.map((t) => [
        t,
        { columns: (db.prepare(`PRAGMA table_info("${t}")`).all() as Array<{ name: string }>).map((c) => c.name), rows: db.prepare(`SELECT * FROM "${t}"`).all() as Row[] },
      ]),
    );
  } finally {
    db.close();
  }
}

/**
 * The same tables and columns read from PostgreSQL (columns it has besides, such as a search
 * vector it fills itself, left out), each value as SQLite holds it: booleans 0/1, 64-bit integers as numbers.
 */
async function pgDump(url: string, tables: Map<string, TableDump>): Promise<Map<string, TableDump>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const columns = (
      await client.query<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY ordinal_position`,
      )
    ).rows;
    const dump = new Map<string, TableDump>();
    for (const [table, local] of tables) {
      const cols = columns.filter((c) => c.table_name === table && local.columns.includes(c.column_name));
      if (cols.length === 0) continue;
      const { rows } = await client.query<Row>(`SELECT ${cols.map((c) => `"${c.column_name}"`).join(', ')} FROM "${table}"`);
      const asSqlite = (c: (typeof cols)[number], v: unknown) => (v === null ? null : c.data_type === 'boolean' ? (v ? 1 : 0) : c.data_type === 'bigint' ? Number(v) : v);
      dump.set(table, { columns: cols.map((c) => c.column_name), rows: rows.map((r) => Object.fromEntries(cols.map((c) => [c.column_name, asSqlite(c, r[c.column_name])]))) });
    }
    return dump;
  } finally {
    await client.end();
  }
}

/** Every SQLite table and column is on PostgreSQL, with the same rows, value for value; returns the row counts. */
async function expectSameRows(file: string, url: string): Promise<Map<string, number>> {
  const local = sqliteDump(file);
  const remote = await pgDump(url, local);
  const counts = new Map<string, number>();
  for (const [table, { columns, rows }] of local) {
    expect([table, [...(remote.get(table)?.columns ?? [])].sort()]).toEqual([table, [...columns].sort()]);
    expect([table, sortRows(remote.get(table)!.rows)]).toEqual([table, sortRows(rows)]);
    counts.set(table, rows.length);
  }
  return counts;
}

async function pgCounts(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)).rows;
    const counts: Record<string, number> = {};
    for (const { table_name } of tables) counts[table_name] = Number((await client.query(`SELECT count(*) AS n FROM "${table_name}"`)).rows[0].n);
    return counts;
  } finally {
    await client.end();
  }
}

describeSqlite('migrate-db: a SQLite data directory into PostgreSQL', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-migrate-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const database = async () => {
    const db = await createPostgresTestDatabase();
    cleanup.push(() => db.drop());
    return db;
  };
  let fromRelease: PostgresTestDatabase;

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("copies a previous release's file (brought up to date first) into a freshly migrated database, every row identical", async () => {
    const dir = tempDir();
    copyFileSync(FIXTURE, join(dir, SQLITE_FILE));
    // The release was stopped with a message waiting in a queue (its model snapshot and options kept).
    const file = new Database(join(dir, SQLITE_FILE));
    const { id: sessionId } = file.prepare('SELECT id FROM sessions ORDER BY id LIMIT 1').get() as { id: string };
    file
      .prepare('INSERT INTO queued_messages (id, session_id, position, text, model_config_id, model_source, created_at, turn_options) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run('0b8f8a4e-5d1c-4c55-9d0e-3f2a1c9e7b10', sessionId, 1, 'waiting in the queue', 'main', 'global', '2026-12-07T01:42:05.000Z', '{"wait":false}');
    file.close();
    fromRelease = await database();
    // A database the API has already migrated holds only the migrations' own rows (the owner): still empty.
    const ds = createPostgresDataSource({ url: fromRelease.url, entities: databaseEntities, migrations: databaseMigrations });
    await runMigrations(ds);
    await ds.destroy();

    const r = await migrateDb(['--to', fromRelease.url, '--data-dir', dir]);
    expect(r.stderr.replace(/^Building the Switchboard CLI.*\n/m, '')).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Brought the SQLite file up to date: \d+ migration\(s\) applied/);
    const password = new URL(fromRelease.url).password;
    expect(r.stdout).not.toContain(password);
    expect(r.stdout).toContain(fromRelease.url.replace(`:${password}@`, ':***@'));

    const counts = await expectSameRows(join(dir, SQLITE_FILE), fromRelease.url);
    // The release's rows (4 conversations, 12 messages, a queued one, 5 memories with history, 10 usage rows, an approved user), each reported.
    expect(Object.fromEntries(['sessions', 'messages', 'queued_messages', 'memories', 'memory_history', 'usage_records', 'access_users'].map((t) => [t, counts.get(t)]))).toEqual({
      sessions: 4,
      messages: 12,
      queued_messages: 1,
      memories: 5,
      memory_history: 5,
      usage_records: 10,
      access_users: 1,
    });
    for (const [table, n] of counts) expect(r.stdout).toMatch(new RegExp(`^  ${table}\\s+${n}$`, 'm'));
  }, 240_000);

  it('refuses a target that holds data, and changes nothing in it', async () => {
    const dir = tempDir();
    copyFileSync(FIXTURE, join(dir, SQLITE_FILE));
    const before = await pgCounts(fromRelease.url);
    expect(before.sessions).toBe(4);
    const r = await migrateDb(['--to', fromRelease.url, '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('is not empty: ');
    expect(r.stdout).toMatch(/sessions \(4 rows\)/);
    expect(r.stdout).toContain('Nothing was changed.');
    expect(r.stdout).not.toContain(new URL(fromRelease.url).password);
    expect(await pgCounts(fromRelease.url)).toEqual(before);
    // Refused before the source was touched too: the old file was not migrated.
    const migrations = new Database(join(dir, SQLITE_FILE), { readonly: true });
    expect((migrations.prepare('SELECT count(*) AS n FROM migrations').get() as { n: number }).n).toBe(6);
    migrations.close();
  }, 240_000);

  it('explains a bad or unreachable URL without ever printing the password', async () => {
    const dir = tempDir();
    copyFileSync(FIXTURE, join(dir, SQLITE_FILE));
    const port = await closedPort();
    const down = await migrateDb(['--to', `postgres://switchboard:hunter2-secret@127.0.0.1:${port}/switchboard`, '--data-dir', dir]);
    expect(down.code).toBe(3);
    expect(down.stdout).toContain(`Could not open the database at postgres://switchboard:***@127.0.0.1:${port}/switchboard`);
    expect(down.stdout + down.stderr).not.toContain('hunter2');

    // The right server, the wrong password: the server's refusal, not the password.
    const admin = new URL(testPostgresUrl()!);
    admin.password = 'wrong-pass-123';
    const denied = await migrateDb(['--to', admin.toString(), '--data-dir', dir]);
    expect(denied.code).toBe(3);
    expect(denied.stdout).toMatch(/password authentication failed/);
    expect(denied.stdout + denied.stderr).not.toContain('wrong-pass-123');

    const notPostgres = await migrateDb(['--to', 'mysql://root:hunter2-secret@localhost/db', '--data-dir', dir]);
    expect(notPostgres.code).toBe(1);
    expect(notPostgres.stdout).toContain('must start with postgres:// or postgresql://');
    expect(notPostgres.stdout).not.toContain('hunter2');

    const noTarget = await migrateDb(['--data-dir', dir]);
    expect(noTarget).toMatchObject({ code: 1, stdout: expect.stringContaining('migrate-db needs --to postgres://') });
    const noFile = await migrateDb(['--to', `postgres://u:p@127.0.0.1:${port}/x`, '--data-dir', join(dir, 'missing')]);
    expect(noFile).toMatchObject({ code: 1, stdout: expect.stringContaining('No Switchboard database in') });
  }, 240_000);

  it('rolls the whole copy back when a row cannot be written, and can run again once it is fixed', async () => {
    const dir = tempDir();
    const file = join(dir, SQLITE_FILE);
    copyFileSync(FIXTURE, file);
    // SQLite keeps a NUL character in text; PostgreSQL refuses it, half-way through the copy.
    const db = new Database(file);
    const { id } = db.prepare('SELECT id FROM messages ORDER BY id DESC LIMIT 1').get() as { id: string };
    db.prepare('UPDATE messages SET content = ? WHERE id = ?').run('bad \u0000 byte', id);
    db.close();
    const target = await database();

    const failed = await migrateDb(['--to', target.url, '--data-dir', dir]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('migrate-db failed: copying messages: ');
    expect(failed.stdout).toContain('The copy was rolled back');
    const counts = await pgCounts(target.url);
    expect(counts.migrations).toBeGreaterThan(0);
    // Not one copied row in any table, sessions (copied before messages) included: only the owner the migrations create.
    expect(Object.entries(counts).filter(([table, n]) => table !== 'migrations' && n > 0)).toEqual([['people', 1]]);

    const fix = new Database(file);
    fix.prepare('UPDATE messages SET content = ? WHERE id = ?').run('fixed', id);
    fix.close();
    const again = await migrateDb(['--to', target.url, '--data-dir', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("PostgreSQL's schema is up to date.");
    await expectSameRows(file, target.url);
  }, 240_000);

  describe('a data directory written by this API', () => {
    let dataDir: string;
    let target: PostgresTestDatabase;
    let ids: { chat: string; busy: string; job: string; memory: string; person: string; attachment: string };

    it('is copied row for row (conversations, settings, memories with history, jobs with runs, people, access, usage)', async () => {
      dataDir = tempDir();
      const t = await startTestApi({ dataDir });
      try {
        const chat = await t.client.createSession({ channel: 'api', peerId: 'migrate-chat' });
        await t.client.sendMessage(chat.id, { text: 'What is the capital of France?', wait: true });
        await t.client.sendMessage(chat.id, { text: 'And of Portugal?', wait: true });
        // An image sent with a message: its metadata and its bytes (a blob) are copied too.
        const image = await t.client.uploadAttachment(chat.id, makePng(3, 3, [10, 120, 200]), 'image/png', 'flag.png');
        await t.client.sendMessage(chat.id, { text: 'Whose flag is this?', attachmentIds: [image.id], wait: true });
        await t.client.setSessionModel(chat.id, 'fast');
        await t.client.updateSession(chat.id, { title: 'Capitals', pinned: true });
        await t.client.setDefaultModel('main');
        await t.client.setMemorySettings({ silent: true });

        const memory = (await t.client.createMemory({ content: 'The user likes green tea.', scope: 'person', personId: 'owner' })).memory!;
        const edited = await t.client.updateMemory(memory.id, { content: 'The user likes green tea, unsweetened.' });

        const job = await t.client.createJob({ name: 'daily-digest', prompt: 'Summarise the day', everySeconds: 3600 });
        await t.client.runJob(job.id, { wait: true });
        await t.client.runJob(job.id, { wait: true });

        await t.client.addApprovedUser('telegram', { userId: '6161', displayName: 'Dan' });
        await t.client.checkAccess('telegram', { userId: '7777', displayName: 'Stranger' });

        // A queued message: the first turn is still running when the second arrives.
        const busy = await t.client.createSession({ channel: 'api', peerId: 'migrate-busy' });
        t.fake.addRule({ match: 'slow migrate message', reply: 'slow reply', firstTokenDelayMs: 1500 });
        await t.client.sendMessage(busy.id, { text: 'slow migrate message' });
        const queued = await t.client.sendMessage(busy.id, { text: 'queued behind it' });
        expect(queued.queued).toBe(true);
        await eventually(() => t.client.listQueue(busy.id), (q) => q.queue.length === 0, 'the queue to drain');

        const people = await t.client.listPeople();
        const dan = people.people.find((p) => p.displayName === 'Dan')!;
        ids = { chat: chat.id, busy: busy.id, job: job.id, memory: edited.id, person: dan.id, attachment: image.id };
      } finally {
        await t.close();
      }

      target = await database();
      const r = await migrateDb(['--to', target.url, '--data-dir', dataDir]);
      expect(r.code).toBe(0);
      const counts = await expectSameRows(join(dataDir, SQLITE_FILE), target.url);
      for (const table of ['sessions', 'messages', 'session_config', 'preferences', 'memories', 'memory_history', 'memory_settings', 'jobs', 'job_runs', 'people', 'person_identities', 'access_users', 'access_pairings', 'usage_records', 'attachments', 'attachment_blobs']) {
        expect([table, (counts.get(table) ?? 0) > 0]).toEqual([table, true]);
      }
    }, 300_000);

    it('then serves from PostgreSQL what it served from SQLite: conversations, search, usage, settings, memories, jobs, people, access', async () => {
      // The reference: an API on a copy of the same (migrated) SQLite file.
      const copy = tempDir();
      cpSync(dataDir, copy, { recursive: true });
      // One fake LLM for both, so the provider URLs they report are the same.
      const fake = await startFakeLlm({ apiKey: FAKE_KEY });
      cleanup.push(() => fake.close());
      const onSqlite = await startTestApi({ dataDir: copy, fake });
      let expected: Record<string, unknown>;
      try {
        expected = await snapshot(onSqlite, ids);
      } finally {
        await onSqlite.close();
      }
      expect(expected).toMatchObject({
        runs: { runs: [expect.anything(), expect.anything()] },
        memories: { memories: [expect.objectContaining({ id: ids.memory })] },
        search: { results: [expect.objectContaining({ session: expect.objectContaining({ id: ids.chat }) })] },
      });

      const t = await startTestApi({ dataDir, fake, env: { DATABASE_URL: target.url } });
      try {
        expect(await snapshot(t, ids)).toEqual(expected);
        // Memory search on PostgreSQL finds what was copied in (PostgreSQL indexes it itself).
        const found = await eventually(() => t.client.listMemories({ q: 'green tea' }), (r) => r.memories.length > 0, 'the copied memory to be searchable');
        expect(found.memories.map((m) => m.id)).toEqual([ids.memory]);
      } finally {
        await t.close();
      }
    }, 240_000);
  });
});

/** What the API serves about the migrated data, through the typed client. */
async function snapshot(t: TestApi, ids: { chat: string; busy: string; job: string; memory: string; person: string; attachment: string }): Promise<Record<string, unknown>> {
  const content = await t.client.fetchAttachmentContent(ids.chat, ids.attachment);
  return {
    attachment: await t.client.getAttachment(ids.chat, ids.attachment),
    attachmentContent: { mediaType: content.mediaType, bytes: Buffer.from(content.data).toString('base64') },
    sessions: await t.client.listSessions(),
    chat: await t.client.getSession(ids.chat),
    messages: await t.client.listMessages(ids.chat),
    search: await t.client.search({ q: 'Portugal' }),
    busyMessages: await t.client.listMessages(ids.busy),
    usage: await t.client.getUsage(ids.chat),
    models: await t.client.listModels(),
    memories: await t.client.listMemories(),
    memorySettings: await t.client.getMemorySettings(),
    jobs: await t.client.listJobs(),
    runs: await t.client.listJobRuns(ids.job),
    people: await t.client.listPeople(),
    person: await t.client.getPerson(ids.person),
    approved: await t.client.listApprovedUsers('telegram'),
    pending: await t.client.listPendingPairings('telegram'),
  };
}
