/**
 * The copy engine of migrate-db on a schema made for it (the real schema is covered by the API's
 * migrate-db e2e): values that go wrong between two drivers (64-bit integers past 2^53, doubles,
 * booleans, NULLs, non-ASCII text), a child table whose name sorts before its parent's, an
 * identity column whose sequence must continue after the copied ids, a column PostgreSQL
 * generates (left to it), a table only SQLite has, a blob into a bit(n) column, and a virtual
 * table whose module is not loaded at copy time (sqlite-vec's: its shadow tables look ordinary).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import * as sqliteVec from 'sqlite-vec';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createPostgresDataSource,
  createSqliteDataSource,
  initializeDataSource,
  parseDatabaseUrl,
  redactDatabaseUrl,
  runMigrations,
  sqliteConnection,
} from '@switchboard/persistence';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '@switchboard/persistence/testing';
import { migrateDb, SQLITE_FILE, type DatabaseKit } from './migrate-db';

class CopyFixture1700000000000 implements MigrationInterface {
  name = 'CopyFixture1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(`CREATE TABLE "z_parent" ("id" varchar(36) PRIMARY KEY NOT NULL, "flag" boolean NOT NULL, "big" bigint, "ratio" double precision, "note" text)`);
    await queryRunner.query(
      pg
        ? `CREATE TABLE "a_child" ("id" integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "parent_id" varchar(36) NOT NULL REFERENCES "z_parent" ("id"), "body" text,
             "body_search" tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce("body", ''))) STORED)`
        : `CREATE TABLE "a_child" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "parent_id" varchar(36) NOT NULL REFERENCES "z_parent" ("id"), "body" text)`,
    );
    if (!pg) await queryRunner.query(`CREATE TABLE "local_notes" ("x" text)`);
    await queryRunner.query(`CREATE TABLE "b_sig" ("id" varchar(36) PRIMARY KEY NOT NULL, "sig" ${pg ? 'bit(16)' : 'blob'} NOT NULL, "raw" ${pg ? 'bytea' : 'blob'} NOT NULL)`);
    if (!pg) {
      sqliteVec.load(sqliteConnection(queryRunner.connection)!);
      await queryRunner.query(`CREATE VIRTUAL TABLE "vec_index" USING vec0(id integer primary key, v bit[8])`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "vec_index"`);
    await queryRunner.query(`DROP TABLE "b_sig"`);
    await queryRunner.query(`DROP TABLE IF EXISTS "local_notes"`);
    await queryRunner.query(`DROP TABLE "a_child"`);
    await queryRunner.query(`DROP TABLE "z_parent"`);
  }
}

const migrations = [CopyFixture1700000000000];
const kit: DatabaseKit = {
  openSqlite: (file) => createSqliteDataSource({ file, entities: [], migrations }),
  openPostgres: (url) => createPostgresDataSource({ url, entities: [], migrations, poolSize: 2 }),
  initialize: initializeDataSource,
  migrate: runMigrations,
  checkUrl: (url) => void parseDatabaseUrl(url),
  redact: redactDatabaseUrl,
  sqliteConnection,
};

describe('migrate-db copy', () => {
  let dir: string;
  let target: PostgresTestDatabase;
  let pg: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'migrate-db-spec-'));
    const ds = await kit.initialize(kit.openSqlite(join(dir, SQLITE_FILE)), 'source');
    await kit.migrate(ds);
    const raw = kit.sqliteConnection(ds)!;
    const parent = raw.prepare('INSERT INTO z_parent (id, flag, big, ratio, note) VALUES (?, ?, ?, ?, ?)');
    parent.run('p1', 1, 9007199254740993n, 0.1, 'héllo ✓ 日本');
    parent.run('p2', 0, -9223372036854775808n, 1e-300, null);
    parent.run('p3', 1, null, -2.5, '');
    const child = raw.prepare('INSERT INTO a_child (id, parent_id, body) VALUES (?, ?, ?)');
    child.run(1, 'p1', 'alpha beta');
    child.run(5, 'p2', 'gamma');
    child.run(7, 'p3', null);
    raw.prepare('INSERT INTO local_notes (x) VALUES (?)').run('left behind');
    raw.prepare('INSERT INTO b_sig (id, sig, raw) VALUES (?, ?, ?)').run('s1', Buffer.from([0b00000101, 0x80]), Buffer.from([0, 255, 1]));
    raw.prepare('INSERT INTO vec_index (id, v) VALUES (1, vec_bit(?))').run(Buffer.from([7]));
    await ds.destroy();

    target = await createPostgresTestDatabase();
    pg = new Client({ connectionString: target.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every value exactly, parents first, leaves generated columns to PostgreSQL and continues the identity', async () => {
    const out: string[] = [];
    expect(await migrateDb({ dataDir: dir, to: target.url, kit, out: (l) => out.push(l) })).toBe(0);
    expect(out.join('\n')).toMatch(/^ {2}a_child\s+3\n {2}b_sig\s+1\n {2}z_parent\s+3\n {2}total\s+7 {2}\(3 tables\)$/m);
    expect(out.filter((l) => l.startsWith('Not copied'))).toEqual(['Not copied (no such table on PostgreSQL): local_notes (1 rows)']);
    expect((await pg.query('SELECT id, sig::text AS sig, raw FROM b_sig')).rows).toEqual([{ id: 's1', sig: '1010000000000001', raw: Buffer.from([0, 255, 1]) }]);

    const parents = (await pg.query('SELECT id, flag, big::text AS big, ratio, note FROM z_parent ORDER BY id')).rows;
    expect(parents).toEqual([
      { id: 'p1', flag: true, big: '9007199254740993', ratio: 0.1, note: 'héllo ✓ 日本' },
      { id: 'p2', flag: false, big: '-9223372036854775808', ratio: 1e-300, note: null },
      { id: 'p3', flag: true, big: null, ratio: -2.5, note: '' },
    ]);
    const children = (await pg.query('SELECT id, parent_id, body, body_search::text AS search FROM a_child ORDER BY id')).rows;
    expect(children).toEqual([
      { id: 1, parent_id: 'p1', body: 'alpha beta', search: "'alpha':1 'beta':2" },
      { id: 5, parent_id: 'p2', body: 'gamma', search: "'gamma':1" },
      { id: 7, parent_id: 'p3', body: null, search: '' },
    ]);
    // The next id the database hands out comes after the copied ones.
    expect((await pg.query(`INSERT INTO a_child (parent_id, body) VALUES ('p1', 'new') RETURNING id`)).rows[0].id).toBe(8);
  });

  it('refuses the same database the second time, naming what is in it', async () => {
    const out: string[] = [];
    expect(await migrateDb({ dataDir: dir, to: target.url, kit, out: (l) => out.push(l) })).toBe(1);
    expect(out.join('\n')).toContain('is not empty: a_child (4 rows), b_sig (1 rows), z_parent (3 rows)');
    expect(out.join('\n')).not.toContain(new URL(target.url).password);
  });
});
