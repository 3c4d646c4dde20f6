import { openTestDatabase, type TestDatabase } from '../testing/test-database';
import { runMigrations } from '@switchboard/persistence';
import { MessageSearchStore } from '../store/message-search.store';
import { sessionMigrations } from './session-schema';

// Access (pairing, approved users) moved to libs/people, jobs to libs/jobs, each with its migration.
const TABLES = ['attachment_blobs', 'attachments', 'messages', 'preferences', 'queued_messages', 'session_config', 'sessions', 'turn_leases', 'usage_records'];
// The full-text index of messages (AddConversationManagement) and FTS5's own shadow tables.
const FTS_TABLES = ['messages_fts', 'messages_fts_config', 'messages_fts_data', 'messages_fts_docsize', 'messages_fts_idx'];

async function tables(db: TestDatabase): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.ds.query(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  );
  return rows.map((r) => r.name);
}

async function columns(db: TestDatabase, table: string): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.ds.query(`PRAGMA table_info("${table}")`);
  return rows.map((r) => r.name);
}

describe('sessionEntities + sessionMigrations on SQLite', () => {
  let db: TestDatabase;
  beforeEach(async () => (db = await openTestDatabase()));
  afterEach(() => db.close());

  it('creates every table with its columns', async () => {
    expect(await tables(db)).toEqual([...TABLES, ...FTS_TABLES, 'migrations'].sort());
    expect(await columns(db, 'sessions')).toEqual([
      'id', 'channel', 'peer_id', 'title', 'project_id', 'agent', 'status', 'version',
      'last_model_config_id', 'current_turn_id', 'created_at', 'updated_at', 'last_activity_at', 'person_id', 'group_key', 'archived', 'pinned',
    ]);
    expect(await columns(db, 'messages')).toEqual([
      'id', 'session_id', 'seq', 'turn_id', 'role', 'kind', 'content', 'parts', 'status', 'model_config_id',
      'model_source', 'model_label', 'warnings', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_usd', 'event', 'created_at', 'person_id',
      'search_indexed', 'attachments',
    ]);
    expect(await columns(db, 'session_config')).toEqual(['session_id', 'key', 'value']);
    expect(await columns(db, 'preferences')).toEqual(['key', 'value', 'updated_at']);
    expect(await columns(db, 'queued_messages')).toEqual([
      'id', 'session_id', 'position', 'text', 'model_config_id', 'model_source', 'created_at', 'turn_options', 'person_id', 'attachments',
    ]);
    expect(await columns(db, 'attachments')).toEqual(['id', 'session_id', 'message_id', 'status', 'name', 'media_type', 'size', 'created_at']);
    expect(await columns(db, 'attachment_blobs')).toEqual(['attachment_id', 'data']);
    expect(await columns(db, 'usage_records')).toEqual([
      'id', 'session_id', 'turn_id', 'message_id', 'role', 'model_config_id',
      'input_tokens', 'output_tokens', 'cached_tokens', 'cost_usd', 'created_at', 'channel', 'person', 'person_id',
    ]);
  });

  it('matches the entities exactly: the schema builder has nothing to change', async () => {
    const pending = await db.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('creates the indexes the hot paths use', async () => {
    const rows: Array<{ name: string }> = await db.ds.query(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
    );
    expect(rows.map((r) => r.name)).toEqual([
      'idx_attachments_message',
      'idx_attachments_session',
      'idx_attachments_status_created',
      'idx_messages_person_created',
      'idx_messages_search_pending',
      'idx_queued_messages_session_position',
      'idx_sessions_last_activity_at',
      'idx_turn_leases_expires_at',
      'idx_turn_leases_owner',
      'idx_usage_records_created_at',
      'idx_usage_records_person_created',
      'idx_usage_records_session',
    ]);
  });

  it('enforces UNIQUE(channel, peer_id) and UNIQUE(session_id, seq) in the database', async () => {
    const insertSession = `INSERT INTO sessions (id, channel, peer_id, status, version, created_at, updated_at, last_activity_at)
      VALUES (?, 'web', 'p', 'idle', 1, 'x', 'x', 'x')`;
    await db.ds.query(insertSession, ['s1']);
    await expect(db.ds.query(insertSession, ['s2'])).rejects.toThrow(/UNIQUE/);
    const insertMessage = `INSERT INTO messages (id, session_id, seq, role, kind, content, parts, status, warnings, created_at)
      VALUES (?, 's1', 1, 'user', 'text', 'hi', '[]', 'complete', '[]', 'x')`;
    await db.ds.query(insertMessage, ['m1']);
    await expect(db.ds.query(insertMessage, ['m2'])).rejects.toThrow(/UNIQUE/);
  });

  it('cascades a session delete to its children through the foreign keys', async () => {
    await db.ds.query(`INSERT INTO sessions (id, channel, peer_id, status, version, created_at, updated_at, last_activity_at)
      VALUES ('s1', 'web', 'p', 'idle', 1, 'x', 'x', 'x')`);
    await db.ds.query(`INSERT INTO session_config (session_id, key, value) VALUES ('s1', 'model', 'fast')`);
    await db.ds.query(`DELETE FROM sessions WHERE id = 's1'`);
    expect(await db.ds.query(`SELECT COUNT(*) AS n FROM session_config`)).toEqual([{ n: 0 }]);
    await expect(db.ds.query(`INSERT INTO session_config (session_id, key, value) VALUES ('nope', 'model', 'fast')`)).rejects.toThrow(
      /FOREIGN KEY/,
    );
  });

  it('opens the file in WAL mode with NORMAL sync, foreign keys and a busy timeout', async () => {
    expect(await db.ds.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await db.ds.query('PRAGMA synchronous')).toEqual([{ synchronous: 1 }]);
    expect(await db.ds.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    expect(await db.ds.query('PRAGMA secure_delete')).toEqual([{ secure_delete: 1 }]);
    expect(await db.ds.query('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
  });

  it('is reversible: down drops every table and up builds them again', async () => {
    expect(await runMigrations(db.ds)).toEqual([]);
    await undoThrough(db, 'InitSessions1763683200000');
    expect(await tables(db)).toEqual(['migrations']);
    expect(await runMigrations(db.ds)).toEqual(sessionMigrations.map((m) => new m().name));
    expect(await tables(db)).toEqual([...TABLES, ...FTS_TABLES, 'migrations'].sort());
  });

  it('keeps usage without a session only while AddStatelessUsage is applied, and its foreign key through the rebuild', async () => {
    const insertUsage = (id: string, sessionId: string | null) =>
      db.ds.query(
        `INSERT INTO usage_records (id, session_id, role, model_config_id, input_tokens, output_tokens, cached_tokens, cost_usd, created_at)
         VALUES (?, ?, 'primary', 'main', 1, 1, 0, 0, 'x')`,
        [id, sessionId],
      );
    await db.ds.query(`INSERT INTO sessions (id, channel, peer_id, status, version, created_at, updated_at, last_activity_at)
      VALUES ('s1', 'web', 'p', 'idle', 1, 'x', 'x', 'x')`);
    await insertUsage('u1', 's1');
    await insertUsage('u2', null);
    await expect(insertUsage('u3', 'nope')).rejects.toThrow(/FOREIGN KEY/);

    await undoThrough(db, 'AddQueuedTurnOptions1796700000000');
    expect(await columns(db, 'queued_messages')).not.toContain('turn_options');
    await db.ds.undoLastMigration();
    expect(await db.ds.query(`SELECT id FROM usage_records`)).toEqual([{ id: 'u1' }]);
    await expect(insertUsage('u4', null)).rejects.toThrow(/NOT NULL/);
    await expect(insertUsage('u5', 'nope')).rejects.toThrow(/FOREIGN KEY/);
    expect(await columns(db, 'usage_records')).not.toContain('person');

    await runMigrations(db.ds);
    await db.ds.query(`DELETE FROM sessions WHERE id = 's1'`);
    expect(await db.ds.query(`SELECT COUNT(*) AS n FROM usage_records`)).toEqual([{ n: 0 }]);
  });

  it('fills in whose each older conversation is: groups from negative Telegram ids (topics share the key), the owner elsewhere', async () => {
    await undoThrough(db, 'AddPeopleToSessions1796800001000');
    const insert = (id: string, channel: string, peer: string) =>
      db.ds.query(`INSERT INTO sessions (id, channel, peer_id, status, version, created_at, updated_at, last_activity_at) VALUES (?, ?, ?, 'idle', 1, 'x', 'x', 'x')`, [
        id,
        channel,
        peer,
      ]);
    await insert('web', 'web', 'w1');
    await insert('group', 'telegram', '-1001');
    await insert('topic', 'telegram', '-1001:7');
    await insert('private', 'telegram', '42');
    await db.ds.query(`INSERT INTO messages (id, session_id, seq, role, kind, content, parts, status, warnings, created_at) VALUES ('m1', 'web', 1, 'user', 'text', 'hi', '[]', 'complete', '[]', 'x')`);
    await runMigrations(db.ds);
    const rows = await db.ds.query(`SELECT id, person_id, group_key FROM sessions ORDER BY id`);
    expect(rows).toEqual([
      { id: 'group', person_id: null, group_key: '-1001' },
      // Without libs/people's accounts table the private chat's person is not known.
      { id: 'private', person_id: null, group_key: null },
      { id: 'topic', person_id: null, group_key: '-1001' },
      { id: 'web', person_id: 'owner', group_key: null },
    ]);
    expect(await db.ds.query(`SELECT person_id FROM messages WHERE id = 'm1'`)).toEqual([{ person_id: 'owner' }]);
    await undoThrough(db, 'AddPeopleToSessions1796800001000');
    expect(await columns(db, 'sessions')).not.toContain('group_key');
  });

  it('indexes the history already there, keeps the index in step with writes, and drops it on the way down', async () => {
    await undoThrough(db, 'AddConversationManagement1796900000000');
    await db.ds.query(`INSERT INTO sessions (id, channel, peer_id, status, version, created_at, updated_at, last_activity_at, person_id) VALUES ('s', 'web', 'w', 'idle', 1, 'x', 'x', 'x', 'owner')`);
    const add = (id: string, seq: number, role: string, kind: string, content: string) =>
      db.ds.query(`INSERT INTO messages (id, session_id, seq, role, kind, content, parts, status, warnings, created_at) VALUES (?, 's', ?, ?, ?, ?, '[]', 'complete', '[]', 'x')`, [
        id, seq, role, kind, content,
      ]);
    await add('old', 1, 'user', 'text', 'What is the capital of France?');
    await add('evt', 2, 'system', 'engine_switch', 'capital switch');
    await runMigrations(db.ds);
    // Writes are indexed in batches (AddMessageSearchIndexing): caught up first, as a search does.
    const hits = async (q: string) => {
      await new MessageSearchStore(db.ds.manager).flushIndex();
      return db.ds.query(`SELECT m.id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH ? ORDER BY m.id`, [q]);
    };
    expect(await hits('capital')).toEqual([{ id: 'old' }]);
    await add('new', 3, 'assistant', 'text', 'Paris, in Île-de-France.');
    expect(await hits('ile')).toEqual([{ id: 'new' }]);
    // A reply is indexed once it stops streaming (its partial saves are not).
    await db.ds.query(`INSERT INTO messages (id, session_id, seq, role, kind, content, parts, status, warnings, created_at) VALUES ('live', 's', 4, 'assistant', 'text', 'Marseille so', '[]', 'streaming', '[]', 'x')`);
    await db.ds.query(`UPDATE messages SET content = 'Marseille so far' WHERE id = 'live'`);
    expect(await hits('marseille')).toEqual([]);
    await db.ds.query(`UPDATE messages SET content = 'Marseille is second', status = 'complete' WHERE id = 'live'`);
    expect(await hits('marseille')).toEqual([{ id: 'live' }]);
    await db.ds.query(`UPDATE messages SET status = 'superseded' WHERE id = 'live'`);
    expect(await hits('second')).toEqual([{ id: 'live' }]);
    await db.ds.query(`DELETE FROM messages WHERE id = 'live'`);
    expect(await hits('marseille')).toEqual([]);
    await db.ds.query(`UPDATE messages SET content = 'Lyon' WHERE id = 'new'`);
    expect(await hits('paris')).toEqual([]);
    expect(await hits('lyon')).toEqual([{ id: 'new' }]);
    await db.ds.query(`DELETE FROM messages WHERE id = 'old'`);
    expect(await hits('capital')).toEqual([]);
    expect(await db.ds.query(`SELECT COUNT(*) AS n FROM sessions WHERE archived = 0 AND pinned = 0`)).toEqual([{ n: 1 }]);
    await undoThrough(db, 'AddConversationManagement1796900000000');
    // AddTurnLeases and AddAttachments, which came after, are undone too.
    expect(await tables(db)).toEqual([...TABLES.filter((t) => !['turn_leases', 'attachments', 'attachment_blobs'].includes(t)), 'migrations'].sort());
    expect(await columns(db, 'sessions')).not.toContain('archived');
  });
});

/** Undoes migrations newest first, down to and including `name` (later migrations are undone first, however many there are). */
async function undoThrough(db: TestDatabase, name: string): Promise<void> {
  for (;;) {
    const [last] = (await db.ds.query(`SELECT "name" FROM "migrations" ORDER BY "id" DESC LIMIT 1`)) as Array<{ name: string }>;
    if (!last) throw new Error(`${name} is not applied`);
    await db.ds.undoLastMigration();
    if (last.name === name) return;
  }
}
