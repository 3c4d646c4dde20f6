import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { memoryEntities } from '../memory-schema';
import { InitMemory1763856000000 } from './1763856000000-init-memory.migration';
import { AddMemoryOwners1796800002000 } from './1796800002000-add-memory-owners.migration';

/** A database at the memory schema before owners, with memories written as the previous release wrote them. */
async function legacyDb(withPeople: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-memory-owners-'));
  const file = join(dir, 'db.sqlite');
  const open = async (migrations: Array<new () => object>) => {
    const ds = new DataSource({ type: 'better-sqlite3', database: file, entities: memoryEntities, migrations, synchronize: false });
    await ds.initialize();
    return ds;
  };
  const before = await open([InitMemory1763856000000]);
  await before.runMigrations();
  if (withPeople) {
    // The tables the people migrations create, reduced to what this migration reads.
    await before.query(`CREATE TABLE "sessions" ("id" varchar(36) PRIMARY KEY, "channel" varchar(16) NOT NULL, "peer_id" varchar(200) NOT NULL, "group_key" varchar(200))`);
    await before.query(`CREATE TABLE "person_identities" ("channel" varchar(16), "peer_id" varchar(200), "person_id" varchar(64), PRIMARY KEY ("channel", "peer_id"))`);
    const sessions = [
      ['s-web', 'web', 'conv-1', null],
      ['s-alice', 'telegram', '1001', null],
      ['s-alice-topic', 'telegram', '1001:7', null],
      ['s-bob', 'telegram', '1002', null],
      ['s-stranger', 'telegram', '1003', null],
      ['s-group', 'telegram', '-100555:12', '-100555'],
    ];
    for (const row of sessions) await before.query(`INSERT INTO "sessions" VALUES (?, ?, ?, ?)`, row);
    for (const row of [
      ['telegram', '1001', 'p-alice'],
      ['telegram', '1002', 'p-bob'],
    ])
      await before.query(`INSERT INTO "person_identities" VALUES (?, ?, ?)`, row);
  }
  let doc = 0;
  const memory = async (id: string, scope: string, projectId: string | null, sourceSessionId: string | null, historySessionId: string | null = sourceSessionId) => {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, ++doc)).toISOString();
    await before.query(
      `INSERT INTO "memories" ("id", "doc_id", "content", "content_hash", "scope", "project_id", "tags", "confidence", "source", "source_session_id", "created_at", "updated_at")
       VALUES (?, ?, ?, ?, ?, ?, '[]', 0.9, 'extracted', ?, ?, ?)`,
      [id, doc, `fact ${id}`, `h${doc}`, scope, projectId, sourceSessionId, now, now],
    );
    await before.query(`INSERT INTO "memory_history" ("id", "memory_id", "action", "content", "reason", "session_id", "created_at") VALUES (?, ?, 'created', ?, 'NEW', ?, ?)`, [
      `h-${id}`,
      id,
      `fact ${id}`,
      historySessionId,
      now,
    ]);
  };
  await memory('web', 'global', null, 's-web');
  await memory('api', 'global', null, null);
  await memory('alice', 'global', null, 's-alice');
  await memory('alice-topic', 'global', null, 's-alice-topic');
  // Stated without a conversation, then merged from Bob's chat: its history names the chat.
  await memory('bob-merged', 'global', null, null, 's-bob');
  await memory('stranger', 'global', null, 's-stranger');
  await memory('group', 'global', null, 's-group');
  await memory('gone', 'global', null, 's-deleted');
  await memory('project', 'project', 'alpha', 's-alice');
  await before.destroy();
  const ds = await open([InitMemory1763856000000, AddMemoryOwners1796800002000]);
  return {
    ds,
    /** Each memory's scope and owner id (after `down` there are no owner columns). */
    owners: async (columns = true) => {
      const rows: Array<{ id: string; scope: string; project_id: string | null; person_id?: string | null; group_id?: string | null }> = await ds.query(
        `SELECT "id", "scope", "project_id"${columns ? ', "person_id", "group_id"' : ''} FROM "memories" ORDER BY "doc_id"`,
      );
      return Object.fromEntries(rows.map((r) => [r.id, [r.scope, r.project_id ?? r.person_id ?? r.group_id]]));
    },
    close: async () => {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The memories table and its indexes, as SQLite stores their definitions. */
async function schemaOf(ds: DataSource): Promise<Array<{ type: string; name: string; sql: string | null }>> {
  return ds.query(`SELECT "type", "name", "sql" FROM sqlite_master WHERE "tbl_name" = 'memories' ORDER BY "type", "name"`);
}

describe('AddMemoryOwners migration', () => {
  it('with people: a member\'s private chat goes to that member, a group chat to the group, the rest to the owner; reversible', async () => {
    const db = await legacyDb(true);
    try {
      const before = await schemaOf(db.ds);
      expect((await db.ds.runMigrations()).map((m) => m.name)).toEqual(['AddMemoryOwners1796800002000']);
      expect(await db.owners()).toEqual({
        web: ['person', 'owner'],
        api: ['person', 'owner'],
        alice: ['person', 'p-alice'],
        'alice-topic': ['person', 'p-alice'],
        'bob-merged': ['person', 'p-bob'],
        // A private chat of an account that belongs to nobody: the owner's, as before (global reached the owner too).
        stranger: ['person', 'owner'],
        group: ['group', 'telegram:-100555'],
        gone: ['person', 'owner'],
        project: ['project', 'alpha'],
      });
      // The schema now matches the entities (but for memory_history's actor_id, a later migration's).
      const pending = (await db.ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
      expect(pending.filter((q) => !q.includes('memory_history'))).toEqual([]);

      await db.ds.undoLastMigration();
      const after = await db.owners(false);
      expect(Object.values(after).filter(([scope]) => scope === 'global')).toHaveLength(8);
      expect(after.project).toEqual(['project', 'alpha']);
      const columns: Array<{ name: string }> = await db.ds.query(`PRAGMA table_info("memories")`);
      expect(columns.map((c) => c.name)).not.toContain('person_id');
      expect(columns.map((c) => c.name)).not.toContain('group_id');
      // The table and its indexes are as the previous release made them.
      expect(await schemaOf(db.ds)).toEqual(before);
    } finally {
      await db.close();
    }
  });

  it('without the people tables (memory on its own): every global memory becomes the owner\'s', async () => {
    const db = await legacyDb(false);
    try {
      await db.ds.runMigrations();
      const owners = await db.owners();
      expect(Object.entries(owners).filter(([, owner]) => owner[0] === 'person' && owner[1] === 'owner')).toHaveLength(8);
      expect(owners.project).toEqual(['project', 'alpha']);
    } finally {
      await db.close();
    }
  });
});
