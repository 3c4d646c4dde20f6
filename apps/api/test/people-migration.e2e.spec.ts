import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Memory, Message, Session } from '@switchboard/protocol';
import { createSqliteDataSource, runMigrations } from '@switchboard/persistence';
import { databaseEntities, databaseMigrations } from '../src/database/schema';
import { DATA_SOURCE } from '../src/core/tokens';
import { describeSqlite, JSON_AUTH_HEADERS, lastTurnRequest, rawRequest, startTestApi, type TestApi } from './harness';

/*
 * fixtures/release-0.1.sqlite was made by the previous release (commit c63174e, before people
 * existed): its API (`node apps/api/dist/main.js` over the fake LLM, extraction scripted) was given
 * a web conversation ("I live in Lisbon" → a global memory), a web conversation in project `alpha`
 * (a project memory), a memory added with POST /api/v1/memories, an approved Telegram user 424242
 * (POST /api/v1/access/telegram/users, "Alice") whose private chat (peer 424242) yielded a global
 * memory, and a Telegram group chat (peer -1001234) that yielded one too; then it was shut down,
 * checkpointed and vacuumed (no -wal/-shm).
 */
const FIXTURE = join(__dirname, 'fixtures/release-0.1.sqlite');
const DATABASE_FILE = 'switchboard.sqlite';

const WEB = 'User lives in Lisbon';
const API = 'User prefers metric units';
const PROJECT = 'The service deploys with Fly.io';
const ALICE = 'User has a dog named Rex';
const GROUP = 'User meets the team on Thursdays';

interface MemoryRow {
  content: string;
  scope: string;
  project_id: string | null;
  person_id?: string | null;
  group_id?: string | null;
}

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-release-'));
  copyFileSync(FIXTURE, join(dir, DATABASE_FILE));
  return dir;
}

// The previous release's SQLite file (PostgreSQL support came later: no release's PostgreSQL database exists to migrate).
describeSqlite('migrating a database made by the previous release (people and memory owners)', () => {
  describe('the migrations, up and down', () => {
    let dir: string;
    let ds: DataSource;
    beforeAll(async () => {
      dir = copyFixture();
      ds = createSqliteDataSource({ file: join(dir, DATABASE_FILE), entities: databaseEntities, migrations: databaseMigrations });
      await ds.initialize();
    });
    afterAll(async () => {
      if (ds?.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    const executed = async () => ((await ds.query(`SELECT "name" FROM "migrations" ORDER BY "id"`)) as Array<{ name: string }>).map((r) => r.name);
    const memories = async (owners = true): Promise<Record<string, MemoryRow>> => {
      const rows: MemoryRow[] = await ds.query(`SELECT "content", "scope", "project_id"${owners ? ', "person_id", "group_id"' : ''} FROM "memories" WHERE "superseded_by" IS NULL`);
      return Object.fromEntries(rows.map((r) => [r.content, r]));
    };

    it("moves each memory to its owner and back to global when undone; the release's data stays readable", async () => {
      const release = await executed();
      expect(release).toContain('InitMemory1763856000000');
      const before = await memories(false);
      expect(Object.values(before).map((m) => m.scope).sort()).toEqual(['global', 'global', 'global', 'global', 'project']);

      const applied = await runMigrations(ds);
      expect(applied).toContain('AddMemoryOwners1796800002000');
      // Later migrations (the memory history's actor...) run too; the undo below takes every one back.

      // The approved Telegram user is a person now, and their private chat's fact is theirs.
      const [identity]: Array<{ person_id: string }> = await ds.query(`SELECT "person_id" FROM "person_identities" WHERE "channel" = 'telegram' AND "peer_id" = '424242'`);
      expect(identity.person_id).not.toBe('owner');
      const after = await memories();
      expect(after[ALICE]).toMatchObject({ scope: 'person', person_id: identity.person_id, group_id: null, project_id: null });
      expect(after[GROUP]).toMatchObject({ scope: 'group', group_id: 'telegram:-1001234', person_id: null });
      expect(after[WEB]).toMatchObject({ scope: 'person', person_id: 'owner' });
      expect(after[API]).toMatchObject({ scope: 'person', person_id: 'owner' });
      expect(after[PROJECT]).toMatchObject({ scope: 'project', project_id: 'alpha', person_id: null, group_id: null });

      // The release's sessions, messages and approved users are all still there.
      expect(await ds.query(`SELECT COUNT(*) AS "n" FROM "sessions"`)).toEqual([{ n: 4 }]);
      expect((await ds.query(`SELECT COUNT(*) AS "n" FROM "messages"`))[0].n).toBeGreaterThanOrEqual(8);
      expect(await ds.query(`SELECT "user_id" FROM "access_users"`)).toEqual([{ user_id: '424242' }]);

      // Undo today's migrations, back to the release's last one: every owner is global again.
      while (!release.includes((await executed()).at(-1)!)) await ds.undoLastMigration();
      expect(await executed()).toEqual(release);
      const undone = await memories(false);
      for (const content of [WEB, API, ALICE, GROUP]) expect(undone[content].scope).toBe('global');
      expect(undone[PROJECT]).toMatchObject({ scope: 'project', project_id: 'alpha' });
      const columns: Array<{ name: string }> = await ds.query(`PRAGMA table_info("memories")`);
      expect(columns.map((c) => c.name)).not.toEqual(expect.arrayContaining(['person_id']));
      expect(await ds.query(`SELECT COUNT(*) AS "n" FROM "sessions"`)).toEqual([{ n: 4 }]);
      expect(await ds.query(`SELECT "user_id" FROM "access_users"`)).toEqual([{ user_id: '424242' }]);
    });
  });

  describe('the API started on it', () => {
    let t: TestApi;
    beforeAll(async () => {
      t = await startTestApi({ dataDir: copyFixture() });
    });
    afterAll(async () => {
      const dir = t?.dataDir;
      await t?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const get = async <T>(path: string): Promise<T> => {
      const r = await rawRequest(t.api.url, 'GET', path, { headers: JSON_AUTH_HEADERS });
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
      return r.json as T;
    };
    const contents = async (query: string) => (await get<{ memories: Memory[] }>(`/api/v1/memories${query}`)).memories.map((m) => m.content).sort();

    it('reads the release\'s conversations and users, and lists each memory under its owner', async () => {
      const { sessions } = await get<{ sessions: Session[] }>('/api/v1/sessions');
      expect(sessions.map((s) => `${s.channel}:${s.peerId}`).sort()).toEqual(['telegram:-1001234', 'telegram:424242', 'web:web-conv-1', 'web:web-conv-2']);
      const dm = sessions.find((s) => s.peerId === '424242')!;
      const { messages } = await get<{ messages: Message[] }>(`/api/v1/sessions/${dm.id}/messages`);
      expect(messages.some((m) => m.role === 'user' && m.content === 'I have a dog named Rex.')).toBe(true);
      expect((await get<{ users: Array<{ userId: string }> }>('/api/v1/access/telegram/users')).users.map((u) => u.userId)).toEqual(['424242']);

      const ds = t.api.app.get<symbol, DataSource>(DATA_SOURCE);
      const [identity]: Array<{ person_id: string }> = await ds.query(`SELECT "person_id" FROM "person_identities" WHERE "channel" = 'telegram' AND "peer_id" = '424242'`);
      expect(await contents(`?personId=${encodeURIComponent(identity.person_id)}`)).toEqual([ALICE]);
      expect(await contents('?personId=owner')).toEqual([API, WEB].sort());
      expect(await contents(`?groupId=${encodeURIComponent('telegram:-1001234')}`)).toEqual([GROUP]);
      expect(await contents('?projectId=alpha')).toEqual([PROJECT]);
      expect(await contents('?scope=global')).toEqual([]);
    });

    it("the owner's old web conversation draws on the owner's memories, and no longer on Alice's", async () => {
      const { sessions } = await get<{ sessions: Session[] }>('/api/v1/sessions');
      const web = sessions.find((s) => s.peerId === 'web-conv-1')!;
      await t.client.sendMessage(web.id, { text: 'Where do I live, and do I have a dog named Rex?', wait: true });
      const system = lastTurnRequest(t.fake)
        .messages.filter((m) => m.role === 'system')
        .map((m) => m.content)
        .join('\n');
      expect(system).toContain(`${WEB} (person)`);
      expect(system).not.toContain('Rex');
      expect(system).not.toContain('Thursdays');
    });
  });
});
