import { bindNamed, lockRow, requireCount, selectRows } from './sql';
import { createTransactionRunner } from './transaction-runner';
import { openDialectTestDatabase, TEST_DIALECTS, type DialectTestDatabase } from './testing/test-databases';

describe('bindNamed', () => {
  const sql = `SELECT * FROM "t" WHERE "a" = :a AND "b" = :b AND "c" = :a`;

  it('rewrites :names to positional parameters in order, for each dialect', () => {
    expect(bindNamed(sql, { a: 1, b: 'x' }, 'sqlite')).toEqual([`SELECT * FROM "t" WHERE "a" = ? AND "b" = ? AND "c" = ?`, [1, 'x', 1]]);
    expect(bindNamed(sql, { a: 2, b: 'y' }, 'postgres')).toEqual([`SELECT * FROM "t" WHERE "a" = $1 AND "b" = $2 AND "c" = $3`, [2, 'y', 2]]);
  });

  it('binds the values of each call when the rewrite is reused', () => {
    for (let i = 0; i < 3; i++) {
      expect(bindNamed(sql, { a: i, b: `v${i}` }, 'sqlite')).toEqual([`SELECT * FROM "t" WHERE "a" = ? AND "b" = ? AND "c" = ?`, [i, `v${i}`, i]]);
    }
  });

  it('binds booleans as 0/1 and keeps nulls', () => {
    expect(bindNamed(`UPDATE "t" SET "f" = :f, "g" = :g WHERE "id" = :id`, { f: true, g: null, id: 'k' }, 'sqlite')[1]).toEqual([1, null, 'k']);
    expect(bindNamed(`UPDATE "t" SET "f" = :f, "g" = :g WHERE "id" = :id`, { f: false, g: 3, id: 'k' }, 'sqlite')[1]).toEqual([0, 3, 'k']);
  });

  it('expands :...lists each time (their length varies)', () => {
    const inSql = `SELECT * FROM "t" WHERE "id" IN (:...ids) AND "s" = :s`;
    expect(bindNamed(inSql, { ids: ['a', 'b'], s: 1 }, 'sqlite')).toEqual([`SELECT * FROM "t" WHERE "id" IN (?, ?) AND "s" = ?`, ['a', 'b', 1]]);
    expect(bindNamed(inSql, { ids: ['a', 'b', 'c'], s: 2 }, 'postgres')).toEqual([`SELECT * FROM "t" WHERE "id" IN ($1, $2, $3) AND "s" = $4`, ['a', 'b', 'c', 2]]);
  });

  it('leaves a :name without a parameter as text, and binds it once it is given', () => {
    const optional = `SELECT '12:30' AS "t", :x AS "x" WHERE "a" = :maybe`;
    expect(bindNamed(optional, { x: 1 }, 'sqlite')).toEqual([`SELECT '12:30' AS "t", ? AS "x" WHERE "a" = :maybe`, [1]]);
    expect(bindNamed(optional, { x: 1, maybe: 'now' }, 'sqlite')).toEqual([`SELECT '12:30' AS "t", ? AS "x" WHERE "a" = ?`, [1, 'now']]);
    expect(bindNamed(optional, { x: 2 }, 'sqlite')).toEqual([`SELECT '12:30' AS "t", ? AS "x" WHERE "a" = :maybe`, [2]]);
  });
});

describe('requireCount', () => {
  it('accepts non-negative integers and refuses anything else', () => {
    expect(requireCount('limit', 0)).toBe(0);
    expect(requireCount('limit', 50)).toBe(50);
    expect(() => requireCount('limit', -1)).toThrow(/limit must be a non-negative integer/);
    expect(() => requireCount('limit', 1.5)).toThrow(RangeError);
    expect(() => requireCount('limit', Number.NaN)).toThrow(RangeError);
  });
});

describe.each(TEST_DIALECTS)('selectRows and lockRow on %s', (dialect) => {
  let db: DialectTestDatabase;
  beforeEach(async () => {
    db = await openDialectTestDatabase(dialect, { entities: [], migrations: [], migrate: false });
    await db.query(`CREATE TABLE "counters" ("id" varchar(36) PRIMARY KEY NOT NULL, "n" integer NOT NULL)`);
    await db.query(`INSERT INTO "counters" ("id", "n") VALUES ('c', 0)`);
  });
  afterEach(() => db.close());

  it('returns the RETURNING rows of an UPDATE and a DELETE (PostgreSQL answers a plain query with [rows, count])', async () => {
    const m = db.ds.manager;
    expect(await selectRows(m, `UPDATE "counters" SET "n" = "n" + 1 WHERE "id" = :id RETURNING "id", "n"`, { id: 'c' })).toEqual([{ id: 'c', n: 1 }]);
    expect(await selectRows(m, `UPDATE "counters" SET "n" = 5 WHERE "id" = :id RETURNING "id"`, { id: 'missing' })).toEqual([]);
    expect(await selectRows(m, `DELETE FROM "counters" WHERE "id" = :id RETURNING "n"`, { id: 'c' })).toEqual([{ n: 1 }]);
  });

  it('lockRow makes read-then-write transactions on one row take turns', async () => {
    const runner = createTransactionRunner(db.ds);
    // Each reads n, yields, then writes n + 1: without the lock, PostgreSQL's concurrent transactions lose increments.
    await Promise.all(
      Array.from({ length: 6 }, () =>
        runner.run(async (m) => {
          await lockRow(m, 'counters', 'c');
          const [{ n }] = await selectRows<{ n: number }>(m, `SELECT "n" FROM "counters" WHERE "id" = :id`, { id: 'c' });
          await new Promise((r) => setTimeout(r, 10));
          await selectRows(m, `UPDATE "counters" SET "n" = :n WHERE "id" = :id`, { id: 'c', n: n + 1 });
        }),
      ),
    );
    expect(await db.query(`SELECT "n" FROM "counters"`)).toEqual([{ n: 6 }]);
  });

  it('lockRow asks the database once per row and strength in a transaction, and again in the next one', async () => {
    const runner = createTransactionRunner(db.ds);
    const locks = async () => {
      let n = 0;
      await runner.run(async (m) => {
        const query = m.query.bind(m);
        m.query = ((sql: string, params?: unknown[]) => (/^SELECT 1 FROM "counters"/.test(sql) && n++, query(sql, params))) as typeof m.query;
        await lockRow(m, 'counters', 'c');
        await lockRow(m, 'counters', 'c');
        await lockRow(m, 'counters', 'c', { forDelete: true });
        await lockRow(m, 'counters', 'c', { forDelete: true });
        await lockRow(m, 'counters', 'c');
      });
      return n;
    };
    // No key update, then the stronger lock once; SQLite locks nothing.
    expect(await locks()).toBe(dialect === 'postgres' ? 2 : 0);
    expect(await locks()).toBe(dialect === 'postgres' ? 2 : 0);
  });

  it('lockRow refuses to run outside a transaction on PostgreSQL (the lock would end with the statement)', async () => {
    const outside = lockRow(db.ds.manager, 'counters', 'c');
    if (dialect === 'postgres') await expect(outside).rejects.toThrow(/inside a transaction/);
    else await expect(outside).resolves.toBeUndefined();
  });
});
