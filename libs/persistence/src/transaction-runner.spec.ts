import { readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DataSource, EntityManager } from 'typeorm';
import { kv, openKvTestDatabase as openTestDatabase, type KvTestDatabase as TestDatabase } from './testing';
import { sqliteConnection } from './sqlite-data-source';
import { createTransactionRunner, type TransactionRunner } from './transaction-runner';
import { isConflictError } from './store-utils';
import { openDialectTestDatabase, type DialectTestDatabase } from './testing/test-databases';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function readCounter(m: EntityManager): Promise<number> {
  return Number((await kv(m).get('counter')) ?? '0');
}

async function incrementSlowly(m: EntityManager): Promise<void> {
  const value = await readCounter(m);
  await tick(); // give every other run the chance to interleave here
  await kv(m).set('counter', String(value + 1));
}

describe('createTransactionRunner (SQLite)', () => {
  let db: TestDatabase;
  let tx: TransactionRunner;

  beforeEach(async () => {
    db = await openTestDatabase();
    tx = createTransactionRunner(db.ds);
  });
  afterEach(() => db.close());

  it('eraseTraces: the write-ahead log is folded in and truncated, and deleted text is gone from the file', async () => {
    const marker = 'Xylophonemarker-4412';
    await tx.run((m) => kv(m).set('secret', marker));
    await tx.run((m) => kv(m).set('kept', 'Keptvalue-9'));
    expect(statSync(`${db.file}-wal`).size).toBeGreaterThan(0);
    await tx.run((m) => m.query(`DELETE FROM "kv" WHERE "key" = 'secret'`));
    await tx.eraseTraces();
    expect(statSync(`${db.file}-wal`).size).toBe(0);
    const disk = readFileSync(db.file).toString('latin1');
    expect(disk).toContain('Keptvalue-9');
    expect(disk).not.toContain(marker);
  });

  describe('eraseTraces beside a connection that keeps the log busy (another checkpoint, an older reader)', () => {
    let other: Database.Database;
    beforeEach(async () => {
      await tx.run((m) => kv(m).set('secret', 'Busymarker-5521'));
      other = new Database(db.file);
      other.exec('BEGIN');
      other.prepare('SELECT count(*) FROM "kv"').get(); // its snapshot reads from the log
      await tx.run((m) => m.query(`DELETE FROM "kv" WHERE "key" = 'secret'`));
    });
    afterEach(() => other.close());

    it('tries again until the log is empty', async () => {
      setTimeout(() => other.exec('COMMIT'), 150);
      await tx.eraseTraces();
      expect(statSync(`${db.file}-wal`).size).toBe(0);
      expect(readFileSync(db.file).toString('latin1')).not.toContain('Busymarker-5521');
    });

    it('fails loudly when the log never frees up; writes go on meanwhile, and the busy timeout is kept', async () => {
      const before = sqliteConnection(db.ds)!.pragma('busy_timeout', { simple: true });
      let settled = false;
      const erase = tx.eraseTraces().finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 50));
      await tx.run((m) => kv(m).set('during', 'yes'));
      // The write did not wait for the erase to give up: attempts let the lock go in between.
      expect(settled).toBe(false);
      await expect(erase).rejects.toThrow(/stayed busy for 2000 ms/);
      expect(await tx.run((m) => kv(m).get('during'))).toBe('yes');
      expect(sqliteConnection(db.ds)!.pragma('busy_timeout', { simple: true })).toBe(before);
    });
  });

  /** Starts `op` while a transaction (doing `work`) is open: it must finish only after that transaction. */
  async function runsAfterOpenTransaction(op: () => Promise<void>, work: (m: EntityManager) => Promise<void> = async () => undefined): Promise<void> {
    let release!: () => void;
    const held = tx.run(async (m) => {
      await work(m);
      await new Promise<void>((r) => (release = r));
    });
    let done = false;
    const running = op().then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    release();
    await held;
    await running;
    expect(done).toBe(true);
  }

  it('eraseTraces waits for open transactions and refuses to run inside one', async () => {
    await runsAfterOpenTransaction(() => tx.eraseTraces());
    await expect(tx.run(() => tx.eraseTraces())).rejects.toThrow(/not inside one/);
  });

  it('checkpoint: the log is copied into the database file after open transactions, never inside one', async () => {
    const marker = 'Foldmarker-7730';
    await runsAfterOpenTransaction(
      () => tx.checkpoint(),
      (m) => kv(m).set('marker', marker),
    );
    expect(readFileSync(db.file).toString('latin1')).toContain(marker);
    await expect(tx.run(() => tx.checkpoint())).rejects.toThrow(/not inside one/);
  });

  it('serialises 20 concurrent read-modify-write transactions so none is lost', async () => {
    await Promise.all(Array.from({ length: 20 }, () => tx.run(incrementSlowly)));
    expect(await readCounter(db.ds.manager)).toBe(20);
  });

  it('is needed: plain dataSource.transaction on the shared connection loses updates', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => db.ds.transaction(incrementSlowly)));
    const lost = (await readCounter(db.ds.manager)) < 20 || results.some((r) => r.status === 'rejected');
    expect(lost).toBe(true);
  });

  it('rolls back only the writes of the run that throws', async () => {
    const runs = Array.from({ length: 10 }, (_, i) =>
      tx.run(async (m) => {
        await kv(m).set(`k${i}`, String(i));
        await tick();
        if (i === 4) throw new Error('boom');
        return i;
      }),
    );
    const results = await Promise.allSettled(runs);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const all = await kv(db.ds.manager).all();
    expect(Object.keys(all).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k5', 'k6', 'k7', 'k8', 'k9']);
  });

  it('returns one runner per DataSource, so there is one lock per connection', () => {
    expect(createTransactionRunner(db.ds)).toBe(tx);
  });

  it('joins a nested run as a savepoint instead of deadlocking', async () => {
    await tx.run(async (m) => {
      await kv(m).set('outer', '1');
      await expect(
        tx.run(async (inner) => {
          await kv(inner).set('inner', '1');
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await tx.run((inner) => kv(inner).set('inner-ok', '1'));
    });
    expect(await kv(db.ds.manager).all()).toEqual({ outer: '1', 'inner-ok': '1' });
  });

  it('still joins nested runs after earlier transactions ended (context tracking is off in between)', async () => {
    for (let round = 0; round < 3; round++) {
      await tx.run((m) => kv(m).set(`before-${round}`, '1'));
      // Deeper than one level, across awaits that leave the microtask queue.
      await tx.run(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        await tx.run(async () => {
          await tick();
          await tx.run((inner) => kv(inner).set(`nested-${round}`, '1'));
        });
      });
    }
    expect(Object.keys(await kv(db.ds.manager).all()).sort()).toEqual(
      ['before-0', 'before-1', 'before-2', 'nested-0', 'nested-1', 'nested-2'],
    );
  });

  it('keeps a write made outside any transaction when a concurrent transaction rolls back', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const failing = tx.run(async (m) => {
      await kv(m).set('inside', '1');
      await gate;
      throw new Error('rollback');
    });
    await tick();
    // A plain (non-transactional) write while that transaction is open on the shared connection.
    const outside = kv(db.ds.manager).set('outside', '1');
    await tick();
    release();
    await expect(failing).rejects.toThrow('rollback');
    await outside;
    expect(await kv(db.ds.manager).all()).toEqual({ outside: '1' });
  });
});

describe('createTransactionRunner (multi-connection drivers)', () => {
  it('does not serialise: transactions run side by side on their own connections', async () => {
    let open = 0;
    let maxOpen = 0;
    // Stand-in for a PostgreSQL DataSource: only the two members the runner touches.
    const ds = {
      options: { type: 'postgres' },
      transaction: async (fn: (m: EntityManager) => Promise<unknown>) => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        try {
          return await fn({} as EntityManager);
        } finally {
          open--;
        }
      },
    } as unknown as DataSource;
    const runner = createTransactionRunner(ds);
    await Promise.all([runner.run(() => tick()), runner.run(() => tick()), runner.run(() => tick())]);
    expect(maxOpen).toBe(3);
  });
});

describe('createTransactionRunner (PostgreSQL): a deadlock victim is run again', () => {
  let db: DialectTestDatabase;
  beforeAll(async () => {
    db = await openDialectTestDatabase('postgres', { entities: [], migrations: [], migrate: false });
    await db.query('CREATE TABLE "counter" ("id" varchar PRIMARY KEY, "n" integer NOT NULL)');
    // The server looks for deadlocks after this wait; the default (1 s) would only slow the test.
    await db.query(`ALTER DATABASE "${db.ds.driver.database}" SET deadlock_timeout = '50ms'`);
  });
  afterAll(() => db?.close());
  beforeEach(() => db.query(`DELETE FROM "counter"; INSERT INTO "counter" VALUES ('a', 0), ('b', 0)`));

  /**
   * Two transactions that take rows a and b in opposite orders, each waiting (on its first run
   * only) until the other holds its first row: PostgreSQL must abort one of them.
   */
  async function crossedWrites(run: (fn: (m: EntityManager) => Promise<void>) => Promise<void>) {
    let firstLocks = 0;
    let bothHold!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHold = resolve));
    const runs = { ab: 0, ba: 0 };
    const body = (first: string, second: string, key: 'ab' | 'ba') => async (m: EntityManager) => {
      runs[key]++;
      await m.query(`UPDATE "counter" SET "n" = "n" + 1 WHERE "id" = $1`, [first]);
      if (runs[key] === 1) {
        if (++firstLocks === 2) bothHold();
        await barrier;
      }
      await m.query(`UPDATE "counter" SET "n" = "n" + 1 WHERE "id" = $1`, [second]);
    };
    const outcomes = await Promise.allSettled([run(body('a', 'b', 'ab')), run(body('b', 'a', 'ba'))]);
    const rows = await db.query<{ id: string; n: number }>('SELECT "id", "n" FROM "counter" ORDER BY "id"');
    return { outcomes, runs, counts: rows.map((r) => Number(r.n)) };
  }

  it('is needed: plain dataSource.transaction fails one of two crossed writers with a deadlock', async () => {
    const { outcomes, counts } = await crossedWrites((fn) => db.ds.transaction(fn));
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(isConflictError(failed[0].reason)).toBe(true);
    expect(counts).toEqual([1, 1]);
  });

  it('runs the victim again, so both commit and every write counts once', async () => {
    const runner = createTransactionRunner(db.ds);
    const { outcomes, runs, counts } = await crossedWrites((fn) => runner.run(fn));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(runs.ab + runs.ba).toBe(3);
    expect(counts).toEqual([2, 2]);
  });

  it('does not retry other errors', async () => {
    const runner = createTransactionRunner(db.ds);
    let runs = 0;
    await expect(
      runner.run(async (m) => {
        runs++;
        await m.query('SELECT * FROM "no_such_table"');
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(runs).toBe(1);
  });
});
