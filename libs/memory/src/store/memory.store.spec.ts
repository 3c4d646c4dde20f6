import { MEMORY_TEST_DIALECTS, openMemoryTestDb, type MemoryTestDb, type MemoryTestDialect } from '../testing/memory-test-db';
import { memoryMigrations } from '../db/memory-schema';
import { PostgresMemorySearch, SEARCH_VECTOR_INDEX } from '../db/fts/postgres-memory-fts';
import { inScope, MemoryStore, type MemoryScopeFilter, type NewMemoryInput } from './memory.store';

const input = (content: string, over: Partial<NewMemoryInput> = {}): NewMemoryInput => ({
  content,
  scope: 'global',
  projectId: null,
  category: null,
  tags: [],
  confidence: 0.9,
  source: 'user',
  sourceSessionId: null,
  sourceMessageId: null,
  ...over,
});
const meta = { reason: 'TEST' };

async function tables(db: MemoryTestDb): Promise<string[]> {
  const rows: Array<{ name: string }> =
    db.dialect === 'postgres'
      ? await db.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)
      : await db.query(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'memories_fts_%' AND name NOT LIKE 'memory_vectors_%' ORDER BY name`,
        );
  return rows.map((r) => r.name);
}

/** The columns of `memories` (PostgreSQL). */
async function memoryColumns(db: MemoryTestDb): Promise<string[]> {
  const rows = await db.query<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'memories' ORDER BY column_name`);
  return rows.map((r) => r.name);
}

describe('memory migration (SQLite)', () => {
  let db: MemoryTestDb;
  beforeEach(async () => (db = await openMemoryTestDb()));
  afterEach(() => db.close());

  it('creates the tables, the FTS5 index and its vocabulary, and the sqlite-vec index', async () => {
    expect(await tables(db)).toEqual(['memories', 'memories_fts', 'memory_embeddings', 'memory_history', 'memory_settings', 'memory_vectors', 'migrations']);
    const [vec] = await db.ds.query(`SELECT sql FROM sqlite_master WHERE name = 'memory_vectors'`);
    expect(vec.sql).toMatch(/USING vec0\(doc_id integer primary key, part text partition key, signature bit\[512\]\)/);
    expect(await db.ds.query(`SELECT name FROM sqlite_master WHERE name = 'memories_fts_vocab'`)).toEqual([{ name: 'memories_fts_vocab' }]);
    const [fts] = await db.ds.query(`SELECT sql FROM sqlite_master WHERE name = 'memories_fts'`);
    expect(fts.sql).toMatch(/fts5\(body, content='', contentless_delete=1/);
  });

  it('matches the entities exactly: the schema builder has nothing to change', async () => {
    const pending = await db.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('is reversible: down drops every memory table (FTS included) and up builds them again', async () => {
    await db.store.create(input('User likes green tea'), meta);
    for (const _ of memoryMigrations) await db.ds.undoLastMigration();
    expect(await tables(db)).toEqual(['migrations']);
    await db.ds.runMigrations();
    expect(await tables(db)).toContain('memories_fts');
    expect(await db.store.count({ scope: 'all' })).toBe(0);
  });
});

describe('memory migration (PostgreSQL)', () => {
  let db: MemoryTestDb;
  beforeEach(async () => (db = await openMemoryTestDb({ dialect: 'postgres' })));
  afterEach(() => db.close());

  it('adds the tsvector column and its GIN index instead of FTS5 tables, and the embeddings table', async () => {
    expect(await tables(db)).toEqual(['memories', 'memory_embeddings', 'memory_history', 'memory_settings', 'migrations']);
    expect(await memoryColumns(db)).toContain('search_vector');
    const [index] = await db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE indexname = ?`, [SEARCH_VECTOR_INDEX]);
    expect(index.def).toMatch(/USING gin \(search_vector\) WITH \(fastupdate='?off'?\)/);
  });

  it('matches the entities but for the PostgreSQL-only search column and indexes (no tsvector on SQLite): never synchronize', async () => {
    const pending = await db.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query).sort()).toEqual([
      'ALTER TABLE "memories" DROP COLUMN "search_vector"',
      'DROP INDEX "public"."idx_memories_global_recent"',
      'DROP INDEX "public"."idx_memories_search_vector"',
      'DROP INDEX "public"."idx_memories_unindexed"',
    ]);
  });

  it('reads the newest global memories in index order, not by sorting them all', async () => {
    // An empty table would be scanned whole; with scans that sort made expensive the planner shows what ordered access exists.
    const plan = await db.ds.transaction(async (m) => {
      await m.query('SET LOCAL enable_seqscan = off');
      await m.query('SET LOCAL enable_sort = off');
      return (await m.query(
        `EXPLAIN SELECT id FROM memories m WHERE m.scope = 'global' AND m.project_id IS NULL AND m.superseded_by IS NULL ORDER BY m.updated_at DESC LIMIT 30`,
      )) as Array<{ 'QUERY PLAN': string }>;
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan Backward using idx_memories_global_recent/);
  });

  it('is reversible: down drops the column, then every table; up builds them again and indexes what is stored', async () => {
    await db.store.create(input('User likes green tea'), meta);
    // Every migration from the search column's on is undone, newest first.
    const since = memoryMigrations.length - memoryMigrations.findIndex((m) => m.name === 'AddMemorySearchVector1797400000000');
    for (let i = 0; i < since; i++) await db.ds.undoLastMigration();
    expect(await memoryColumns(db)).not.toContain('search_vector');
    expect(await db.query(`SELECT indexname FROM pg_indexes WHERE indexname = ?`, [SEARCH_VECTOR_INDEX])).toEqual([]);
    // Memories stored before the column exists are indexed when it is added.
    await db.ds.runMigrations();
    expect((await db.store.search('green tea', { scope: 'global' }, 5)).map((h) => h.record.content)).toEqual(['User likes green tea']);
    for (const _ of memoryMigrations) await db.ds.undoLastMigration();
    expect(await tables(db)).toEqual(['migrations']);
    await db.ds.runMigrations();
    expect(await memoryColumns(db)).toContain('search_vector');
    expect(await db.store.count({ scope: 'all' })).toBe(0);
  });
});

describe('PostgresMemorySearch', () => {
  let db: MemoryTestDb;
  beforeEach(async () => (db = await openMemoryTestDb({ dialect: 'postgres' })));
  afterEach(() => db.close());

  it('scores a term written since its statistics were read by counting it then, and forgets a deleted memory\'s words at once', async () => {
    // Statistics read once and never again (as in a large store between refreshes).
    const store = MemoryStore.create(db.ds, db.runner, new PostgresMemorySearch({ exactBelow: 0 }));
    for (const hobby of ['chess', 'rowing', 'pottery']) await store.create(input(`User enjoys ${hobby}`), meta);
    expect(await store.search('chess', { scope: 'global' }, 5)).toHaveLength(1);
    const fresh = await store.create(input('User adopted a quokka named Biscuit'), meta);
    const hits = await store.search('quokka biscuit chess', { scope: 'global' }, 5);
    expect(hits.map((h) => h.record.id)[0]).toBe(fresh.id);
    expect(hits[0].bm25).toBeLessThan(hits[1].bm25);
    expect(hits[1].bm25).toBeLessThan(0);
    await store.hardDelete(fresh.id, { scope: 'all' }, meta);
    expect(await store.search('quokka biscuit', { scope: 'all' }, 5)).toEqual([]);
    expect(await db.dump()).not.toMatch(/quokka|biscuit/i);
  });
});

describe.each(MEMORY_TEST_DIALECTS)('MemoryStore (%s)', (dialect: MemoryTestDialect) => {
  let db: MemoryTestDb;
  beforeEach(async () => (db = await openMemoryTestDb({ dialect })));
  afterEach(() => db.close());

  it('stores a memory with its history and finds it by full-text search', async () => {
    const m = await db.store.create(input('User prefers dark mode in every editor', { tags: ['ui'] }), meta);
    expect(m).toMatchObject({ scope: 'global', projectId: null, tags: ['ui'], docId: 1 });
    const hits = await db.store.search('which editor theme? dark or light', { scope: 'global' }, 5);
    expect(hits.map((h) => h.record.id)).toEqual([m.id]);
    expect(hits[0].bm25).toBeLessThan(0);
    expect((await db.store.history(m.id)).map((h) => [h.action, h.content])).toEqual([['created', 'User prefers dark mode in every editor']]);
  });

  it('ranks by bm25: the memory sharing the rarer words comes first', async () => {
    for (let i = 0; i < 20; i++) await db.store.create(input(`User likes coffee number ${i}`), meta);
    const target = await db.store.create(input('User likes coffee from Ethiopia roasted light'), meta);
    const hits = await db.store.search('any Ethiopia coffee?', { scope: 'global' }, 5);
    expect(hits[0].record.id).toBe(target.id);
  });

  it('reports scores in the same shape on both databases: negative bm25, best first, 0..1 relative in list()', async () => {
    await db.store.create(input('User likes coffee'), meta);
    await db.store.create(input('User likes coffee from Ethiopia'), meta);
    await db.store.create(input('User grows tomatoes'), meta);
    // Enough other memories that "coffee" is not in most of them (bm25 weighs such a term near zero).
    for (const hobby of ['chess', 'rowing', 'pottery', 'birdwatching', 'origami']) await db.store.create(input(`User enjoys ${hobby}`), meta);
    const hits = await db.store.search('Ethiopia coffee', { scope: 'global' }, 5);
    expect(hits.map((h) => h.record.content)).toEqual(['User likes coffee from Ethiopia', 'User likes coffee']);
    expect(hits[0].bm25).toBeLessThan(hits[1].bm25);
    expect(hits[1].bm25).toBeLessThan(0);
    const listed = await db.store.list({ scope: 'global' }, { q: 'Ethiopia coffee', limit: 5 });
    expect(listed[0].score).toBe(1);
    expect(listed[1].score).toBeGreaterThan(0);
    expect(listed[1].score).toBeLessThan(1);
  });

  it('finds words of any script and tags, as the gate tokenizes them (folded, not split)', async () => {
    const ru = await db.store.create(input('Пользователь живёт в Новосибирске'), meta);
    const el = await db.store.create(input('Ο χρήστης μιλά ελληνικά'), meta);
    const tagged = await db.store.create(input('User prefers dark mode', { tags: ['accessibility'] }), meta);
    expect((await db.store.search('Новосибирске?', { scope: 'global' }, 5)).map((h) => h.record.id)).toEqual([ru.id]);
    expect((await db.store.search('живет', { scope: 'global' }, 5)).map((h) => h.record.id)).toEqual([ru.id]);
    expect((await db.store.search('ΕΛΛΗΝΙΚΑ', { scope: 'global' }, 5)).map((h) => h.record.id)).toEqual([el.id]);
    expect((await db.store.search('accessibility', { scope: 'global' }, 5)).map((h) => h.record.id)).toEqual([tagged.id]);
  });

  it('finds Chinese, Japanese, Korean and Thai memories by a question in other words (segmented, not one long token)', async () => {
    const zh = await db.store.create(input('我上个月搬到了成都，新公寓离地铁站很近。'), meta);
    const ja = await db.store.create(input('妹の花子は図書館で働いています。'), meta);
    const ko = await db.store.create(input('저는 지난달에 부산으로 이사했어요.'), meta);
    const th = await db.store.create(input('ฉันย้ายไปเชียงใหม่เมื่อเดือนที่แล้ว'), meta);
    const top = async (q: string) => (await db.store.search(q, { scope: 'global' }, 5))[0]?.record.id;
    expect(await top('我搬到哪个城市了？成都吗')).toBe(zh.id);
    expect(await top('花子の仕事は何ですか？')).toBe(ja.id);
    expect(await top('부산에 언제 이사했어?')).toBe(ko.id);
    expect(await top('ฉันย้ายไปอยู่ที่ไหน')).toBe(th.id);
  });

  it('brings the memories stored around a hit from the same session, and only those', async () => {
    const said = (content: string, session: string) => input(content, { sourceSessionId: session });
    const [, first, answer] = await db.store.insertMany([said('Filler before', 's1'), said('My sister adopted a dog', 's1'), said('She called him Biscuit', 's1')]);
    await db.store.insertMany([said('Another conversation entirely', 's2')]);
    const far = (await db.store.insertMany([said('Much later in s1', 's1')]))[0];
    const around = await db.store.neighbours([first], { scope: 'global' }, 2);
    expect(around.map((r) => r.id)).toContain(answer.id);
    expect(around.map((r) => r.content).sort()).toEqual(['Filler before', 'She called him Biscuit']);
    expect(around.map((r) => r.id)).not.toContain(far.id);
    expect(await db.store.neighbours([first], { scope: 'project', projectId: 'elsewhere' }, 2)).toEqual([]);
  });

  it('never returns project A memories to project B (search, get, recent, hash, count, list)', async () => {
    const a = await db.store.create(input('The build uses pnpm workspaces', { scope: 'project', projectId: 'A' }), meta);
    const b = await db.store.create(input('The build uses cargo workspaces', { scope: 'project', projectId: 'B' }), meta);
    const g = await db.store.create(input('User writes commit messages in English'), meta);
    const forB = { scope: 'turn' as const, personId: null, groupId: null, projectId: 'B' };
    expect((await db.store.search('build workspaces pnpm', forB, 10)).map((h) => h.record.id).sort()).toEqual([b.id].sort());
    expect(await db.store.get(a.id, forB)).toBeNull();
    expect(await db.store.getMany([a.id, b.id, g.id], forB)).toHaveLength(2);
    expect((await db.store.recent(forB, 10)).map((m) => m.id).sort()).toEqual([b.id, g.id].sort());
    expect(await db.store.findByHash(a.contentHash, forB)).toEqual([]);
    expect(await db.store.count(forB)).toBe(2);
    expect((await db.store.list({ scope: 'project', projectId: 'B' }, { limit: 10 })).map((r) => r.record.id)).toEqual([b.id]);
    // A session without a project sees only global memories.
    expect((await db.store.recent({ scope: 'turn', personId: null, groupId: null, projectId: null }, 10)).map((m) => m.id)).toEqual([g.id]);
    expect(await db.store.get(g.id, { scope: 'project', projectId: 'B' })).toBeNull();
  });

  describe('person and group scopes', () => {
    const turn = (over: Partial<{ personId: string | null; groupId: string | null; projectId: string | null }> = {}): MemoryScopeFilter => ({
      scope: 'turn',
      personId: null,
      groupId: null,
      projectId: null,
      ...over,
    });
    const seed = async () => ({
      alice: await db.store.create(input('Alice keeps bees on the roof', { scope: 'person', personId: 'alice' }), meta),
      bob: await db.store.create(input('Bob keeps bees in the garden', { scope: 'person', personId: 'bob' }), meta),
      owner: await db.store.create(input('Owner keeps bees at the lake', { scope: 'person', personId: 'owner' }), meta),
      group: await db.store.create(input('The club keeps bees at the school', { scope: 'group', groupId: 'telegram:-100' }), meta),
      other: await db.store.create(input('The choir keeps bees at the church', { scope: 'group', groupId: 'telegram:-200' }), meta),
      project: await db.store.create(input('The project keeps bees in CI', { scope: 'project', projectId: 'A' }), meta),
      global: await db.store.create(input('Everyone keeps bees somewhere', { scope: 'global' }), meta),
    });
    const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();

    it('a private turn reads the speaker\'s memories, the project\'s and global: never another person\'s or a group\'s', async () => {
      const m = await seed();
      const forAlice = turn({ personId: 'alice', projectId: 'A' });
      const visible = ids([m.alice, m.project, m.global]);
      expect(ids((await db.store.search('bees keeps', forAlice, 20)).map((h) => h.record))).toEqual(visible);
      expect(ids(await db.store.recent(forAlice, 20))).toEqual(visible);
      expect(await db.store.count(forAlice)).toBe(3);
      expect(ids(await db.store.getMany(Object.values(m).map((r) => r.id), forAlice))).toEqual(visible);
      expect(await db.store.get(m.bob.id, forAlice)).toBeNull();
      expect(await db.store.get(m.owner.id, forAlice)).toBeNull();
      expect(await db.store.findByHash(m.bob.contentHash, forAlice)).toEqual([]);
      expect(await db.store.hardDelete(m.bob.id, forAlice, meta)).toBe(0);
      expect(await db.store.update(m.owner.id, { content: 'x y z' }, forAlice, 'updated', meta)).toBeNull();
      for (const r of Object.values(m)) expect(inScope(r, forAlice)).toBe(visible.includes(r.id));
    });

    it('a group turn reads the group\'s memories, the project\'s and global, and nobody\'s personal ones (not even the speaker\'s)', async () => {
      const m = await seed();
      const inGroup = turn({ personId: 'alice', groupId: 'telegram:-100' });
      const visible = ids([m.group, m.global]);
      expect(ids((await db.store.search('bees keeps', inGroup, 20)).map((h) => h.record))).toEqual(visible);
      expect(ids(await db.store.recent(inGroup, 20))).toEqual(visible);
      expect(await db.store.count(inGroup)).toBe(2);
      for (const r of Object.values(m)) expect(inScope(r, inGroup)).toBe(visible.includes(r.id));
    });

    it('an unknown speaker reads only shared memories; management filters read one owner or every owner of a scope', async () => {
      const m = await seed();
      expect(ids(await db.store.recent(turn(), 20))).toEqual([m.global.id]);
      expect(ids(await db.store.recent({ scope: 'person', personId: 'bob' }, 20))).toEqual([m.bob.id]);
      expect(ids(await db.store.recent({ scope: 'person', personId: null }, 20))).toEqual(ids([m.alice, m.bob, m.owner]));
      expect(ids(await db.store.recent({ scope: 'group', groupId: 'telegram:-200' }, 20))).toEqual([m.other.id]);
      expect(ids(await db.store.recent({ scope: 'group', groupId: null }, 20))).toEqual(ids([m.group, m.other]));
      expect(ids(await db.store.recent({ scope: 'global' }, 20))).toEqual([m.global.id]);
      expect(await db.store.count({ scope: 'all' })).toBe(7);
    });

    it('stores owner ids only for their scope and refuses a person or group memory without its owner', async () => {
      const m = await db.store.create(input('User likes tea', { scope: 'global', personId: 'alice', groupId: 'telegram:-1', projectId: 'A' }), meta);
      expect(m).toMatchObject({ scope: 'global', personId: null, groupId: null, projectId: null });
      await expect(db.store.create(input('User likes tea', { scope: 'person' }), meta)).rejects.toThrow(/person id/);
      await expect(db.store.create(input('User likes tea', { scope: 'group' }), meta)).rejects.toThrow(/group id/);
    });

    it('moves a memory to another scope and keeps its history', async () => {
      const m = await db.store.create(input('User likes tea', { scope: 'person', personId: 'alice' }), meta);
      const moved = await db.store.update(m.id, { owner: { scope: 'global', projectId: null, personId: null, groupId: null } }, { scope: 'person', personId: 'alice' }, 'updated', meta);
      expect(moved).toMatchObject({ scope: 'global', personId: null });
      expect(await db.store.get(m.id, { scope: 'person', personId: 'alice' })).toBeNull();
      expect((await db.store.get(m.id, { scope: 'global' }))?.content).toBe('User likes tea');
      expect((await db.store.history(m.id)).map((h) => h.action)).toEqual(['created', 'updated']);
    });

    it('reassignPerson moves every memory of a person (older versions too) and merges exact duplicates', async () => {
      const old = await db.store.create(input('User lives in Berlin', { scope: 'person', personId: 'tg-alice' }), meta);
      const current = await db.store.supersede(old.id, input('User lives in Lisbon', { scope: 'person', personId: 'tg-alice' }), { scope: 'all' }, meta);
      const twin = await db.store.create(input('User plays the cello', { scope: 'person', personId: 'tg-alice' }), meta);
      const theirs = await db.store.create(input('user plays the cello.', { scope: 'person', personId: 'alice' }), meta);
      const bob = await db.store.create(input('User plays the drums', { scope: 'person', personId: 'bob' }), meta);
      expect(await db.store.reassignPerson('tg-alice', 'alice', { reason: 'PERSON_LINKED' })).toBe(2);
      expect(await db.store.count({ scope: 'person', personId: 'tg-alice' })).toBe(0);
      expect(ids(await db.store.recent({ scope: 'person', personId: 'alice' }, 10))).toEqual(ids([current!, theirs]));
      expect(ids(await db.store.recent({ scope: 'person', personId: 'bob' }, 10))).toEqual([bob.id]);
      const rows = await db.query<{ id: string; person_id: string; superseded_by: string | null }>(`SELECT id, person_id, superseded_by FROM memories`);
      expect(rows.filter((r) => r.person_id === 'tg-alice')).toEqual([]);
      expect(rows.find((r) => r.id === twin.id)?.superseded_by).toBe(theirs.id);
      expect(rows.find((r) => r.id === old.id)?.person_id).toBe('alice');
      expect((await db.store.history(twin.id)).map((h) => [h.action, h.relatedId])).toEqual([
        ['created', null],
        ['superseded', theirs.id],
      ]);
      // Deleting the survivor takes the merged duplicate with it (nothing of it lingers).
      expect(await db.store.hardDelete(theirs.id, { scope: 'all' }, meta)).toBe(2);
      expect(await db.store.reassignPerson('nobody', 'alice', meta)).toBe(0);
    });
  });

  it('treats FTS syntax in user text as plain words (quotes, *, NEAR, -, parentheses, column filters)', async () => {
    const m = await db.store.create(input('User is learning Rust and Go'), meta);
    const nasty = ['"rust', 'rust*', 'NEAR(rust go)', '-rust', 'rust AND', 'OR OR OR', '(rust', 'body:rust', '^rust', '""', '*', 'rust" OR "x', "'; DROP TABLE memories; --"];
    for (const q of nasty) await expect(db.store.search(q, { scope: 'global' }, 5)).resolves.toBeDefined();
    expect((await db.store.search('NEAR(rust go)', { scope: 'global' }, 5)).map((h) => h.record.id)).toEqual([m.id]);
    expect((await db.store.search('-rust', { scope: 'global' }, 5)).map((h) => h.record.id)).toEqual([m.id]);
    expect(await db.store.search('"*" NEAR -', { scope: 'global' }, 5)).toEqual([]);
    expect(await db.store.count({ scope: 'all' })).toBe(1);
  });

  it('update keeps every version in history and re-indexes the new words', async () => {
    const m = await db.store.create(input('User likes tea'), meta);
    const next = await db.store.update(m.id, { content: 'User likes green tea with jasmine' }, { scope: 'global' }, 'merged', { reason: 'MERGED_RICHER' });
    expect(next!.content).toBe('User likes green tea with jasmine');
    expect((await db.store.search('jasmine', { scope: 'global' }, 5)).map((h) => h.record.id)).toEqual([m.id]);
    expect((await db.store.history(m.id)).map((h) => [h.action, h.content])).toEqual([
      ['created', 'User likes tea'],
      ['merged', 'User likes green tea with jasmine'],
    ]);
    // Out of scope: nothing changes.
    expect(await db.store.update(m.id, { content: 'x y' }, { scope: 'project', projectId: 'A' }, 'updated', meta)).toBeNull();
  });

  it('supersede keeps the old memory in history but out of retrieval', async () => {
    const old = await db.store.create(input('User lives in Berlin'), meta);
    const next = await db.store.supersede(old.id, input('User lives in Lisbon'), { scope: 'global' }, { reason: 'CONTRADICTION' });
    expect(await db.store.get(old.id, { scope: 'all' })).toBeNull();
    expect(await db.store.search('Berlin', { scope: 'all' }, 5)).toEqual([]);
    expect((await db.store.recent({ scope: 'all' }, 10)).map((m) => m.id)).toEqual([next!.id]);
    expect((await db.store.history(old.id)).map((h) => [h.action, h.relatedId])).toEqual([
      ['created', null],
      ['superseded', next!.id],
    ]);
    const [row] = await db.query<{ superseded_by: string }>(`SELECT superseded_by FROM memories WHERE id = ?`, [old.id]);
    expect(row.superseded_by).toBe(next!.id);
    // Out of the index too, not only filtered out: its words no longer count in the term statistics.
    expect(await db.dump()).not.toMatch(/(^|\s)berlin(\s|$)/m);
  });

  it('hard delete removes the row, its older versions, the FTS entry and the history content', async () => {
    const old = await db.store.create(input('User drives a Zephyrmobile'), meta);
    const current = await db.store.supersede(old.id, input('User drives a Quokkacar'), { scope: 'global' }, meta);
    await db.store.update(current!.id, { content: 'User drives a red Quokkacar' }, { scope: 'global' }, 'updated', meta);
    const keep = await db.store.create(input('User cycles to work'), meta);
    expect(await db.dump()).toMatch(/quokkacar/i);

    expect(await db.store.hardDelete(current!.id, { scope: 'all' }, { reason: 'USER_DELETE' })).toBe(2);
    const dump = await db.dump();
    for (const gone of [/quokkacar/i, /zephyrmobil/i]) expect(dump).not.toMatch(gone);
    for (const q of ['Quokkacar', 'Zephyrmobile', 'red', 'drives']) expect(await db.store.search(q, { scope: 'all' }, 10)).toEqual([]);
    expect(await db.store.get(current!.id, { scope: 'all' })).toBeNull();
    expect((await db.store.history(current!.id)).map((h) => [h.action, h.content])).toEqual([['deleted', null]]);
    expect(await db.store.history(old.id)).toEqual([]);
    expect((await db.store.recent({ scope: 'all' }, 10)).map((m) => m.id)).toEqual([keep.id]);
    // Deleting again, or out of scope, deletes nothing.
    expect(await db.store.hardDelete(current!.id, { scope: 'all' }, meta)).toBe(0);
    expect(await db.store.hardDelete(keep.id, { scope: 'project', projectId: 'A' }, meta)).toBe(0);
  });

  it('rolls back every part of a write together', async () => {
    await expect(
      db.store.transaction(async (s) => {
        await s.create(input('User plays the oboe'), meta);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.store.count({ scope: 'all' })).toBe(0);
    expect(await db.store.search('oboe', { scope: 'all' }, 5)).toEqual([]);
    expect(await db.query(`SELECT * FROM memory_history`)).toEqual([]);
  });

  it('refuses a project memory without a project', async () => {
    await expect(db.store.create(input('The repo uses pnpm', { scope: 'project', projectId: null }), meta)).rejects.toThrow(/project id/);
  });

  it('insertMany stores in bulk with their documents', async () => {
    const rows = await db.store.insertMany(Array.from({ length: 900 }, (_, i) => input(`Distractor fact number ${i} about topic${i % 7}`)));
    expect(rows).toHaveLength(900);
    expect(new Set(rows.map((r) => r.docId)).size).toBe(900);
    expect(await db.store.count({ scope: 'all' })).toBe(900);
    expect((await db.store.search('topic3', { scope: 'global' }, 500)).length).toBe(129);
  });
});

describe.each(MEMORY_TEST_DIALECTS)('MemorySettingsStore (%s)', (dialect: MemoryTestDialect) => {
  let db: MemoryTestDb;
  beforeEach(async () => (db = await openMemoryTestDb({ dialect })));
  afterEach(() => db.close());

  it('defaults to enabled and not silent, and persists changes', async () => {
    expect(await db.settings.get()).toEqual({ enabled: true, silent: false });
    expect(await db.settings.update({ silent: true })).toEqual({ enabled: true, silent: true });
    expect(await db.settings.update({ enabled: false })).toEqual({ enabled: false, silent: true });
    expect(await db.settings.update({ enabled: true })).toEqual({ enabled: true, silent: true });
  });
});
