import { openDialectTestDatabase, TEST_DIALECTS, type DialectTestDatabase, type TestDialect } from '@switchboard/persistence/testing';
import { runMigrations } from '@switchboard/persistence';
import { databaseEntities, databaseMigrations } from './schema';

/** Table name → its column names, sorted. */
type Schema = Record<string, string[]>;

/**
 * The schema as tables and columns. Left out: SQLite's FTS5 virtual tables and their shadow
 * tables, and PostgreSQL's full-text columns (tsvector), which are each engine's own search index.
 */
async function schemaOf(db: DialectTestDatabase): Promise<Schema> {
  const schema: Schema = {};
  if (db.dialect === 'sqlite') {
    const tables = await db.query<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
    const fts = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
    for (const { name } of tables) {
      if (fts.some((v) => name === v || name.startsWith(`${v}_`))) continue;
      const columns = await db.query<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [name]);
      schema[name] = columns.map((c) => c.name).sort();
    }
    return schema;
  }
  const columns = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type <> 'tsvector'`,
  );
  const tables = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  for (const { table_name } of tables) schema[table_name] = [];
  for (const c of columns) schema[c.table_name].push(c.column_name);
  for (const name of Object.keys(schema)) schema[name].sort();
  return schema;
}

/** Every foreign key as `table(column) -> table`, sorted. */
async function foreignKeysOf(db: DialectTestDatabase): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const rows = await db.query<{ t: string; from: string; to: string; on_delete: string }>(
      `SELECT m.name AS t, f."from" AS "from", f."table" AS "to", f.on_delete AS on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`,
    );
    return rows.map((r) => `${r.t}(${r.from}) -> ${r.to} ON DELETE ${r.on_delete}`).sort();
  }
  const rows = await db.query<{ t: string; from: string; to: string; on_delete: string }>(
    `SELECT c.conrelid::regclass::text AS t, a.attname AS "from", c.confrelid::regclass::text AS "to",
       CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS on_delete
     FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
  );
  return rows.map((r) => `${r.t}(${r.from}) -> ${r.to} ON DELETE ${r.on_delete}`).sort();
}

// Indexes only one engine has: each one's full-text search (FTS5's pending rows; PostgreSQL's GIN and
// to-index ones), and PostgreSQL's index of the newest global memories (its planner otherwise sorts them all).
const ENGINE_ONLY_INDEXES: Record<TestDialect, string[]> = {
  sqlite: ['idx_messages_search_pending'],
  postgres: ['idx_memories_search_vector', 'idx_memories_unindexed', 'idx_messages_search', 'idx_memories_global_recent'],
};

/** The indexes the migrations create by name (not those behind primary keys and unique constraints), sorted. */
async function indexesOf(db: DialectTestDatabase): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const rows = await db.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'`);
    return rows.map((r) => r.name).sort();
  }
  const rows = await db.query<{ name: string }>(
    `SELECT i.indexname AS name FROM pg_indexes i WHERE i.schemaname = 'public'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`,
  );
  return rows.map((r) => r.name).sort();
}

async function appliedMigrations(db: DialectTestDatabase): Promise<string[]> {
  return (await db.query<{ name: string }>(`SELECT "name" FROM "migrations" ORDER BY "timestamp"`)).map((r) => r.name);
}

const open = (dialect: TestDialect) => openDialectTestDatabase(dialect, { entities: databaseEntities, migrations: databaseMigrations });

describe('the migrations on SQLite and PostgreSQL', () => {
  const dbs: DialectTestDatabase[] = [];
  afterEach(async () => {
    for (const db of dbs.splice(0)) await db.close();
  });

  it('build the same tables with the same columns on both', async () => {
    const [sqlite, postgres] = await Promise.all(TEST_DIALECTS.map(open));
    dbs.push(sqlite, postgres);
    const expected = await schemaOf(sqlite);
    // Every lib's tables are there (a sanity check that the comparison compares something).
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['sessions', 'messages', 'memories', 'people', 'jobs', 'migrations']));
    expect(await schemaOf(postgres)).toEqual(expected);
    expect(await foreignKeysOf(postgres)).toEqual(await foreignKeysOf(sqlite));
    const shared = async (db: DialectTestDatabase) => {
      const all = await indexesOf(db);
      // Named here so that a renamed engine-only index fails this test instead of being ignored.
      expect(all).toEqual(expect.arrayContaining(ENGINE_ONLY_INDEXES[db.dialect]));
      return all.filter((name) => !ENGINE_ONLY_INDEXES[db.dialect].includes(name));
    };
    expect(await shared(postgres)).toEqual(await shared(sqlite));
    expect(await appliedMigrations(postgres)).toEqual(await appliedMigrations(sqlite));
    expect(await appliedMigrations(sqlite)).toHaveLength(databaseMigrations.length);
  });

  it.each(TEST_DIALECTS)('on %s: all the way down leaves only the migrations table, and up again builds the same schema', async (dialect) => {
    const db = await open(dialect);
    dbs.push(db);
    const before = await schemaOf(db);
    const foreignKeys = await foreignKeysOf(db);
    for (let i = 0; i < databaseMigrations.length; i++) await db.ds.undoLastMigration();
    expect(await appliedMigrations(db)).toEqual([]);
    expect(Object.keys(await schemaOf(db))).toEqual(['migrations']);
    expect(await runMigrations(db.ds)).toHaveLength(databaseMigrations.length);
    expect(await schemaOf(db)).toEqual(before);
    expect(await foreignKeysOf(db)).toEqual(foreignKeys);
  });
});
