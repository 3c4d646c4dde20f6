import { readFileSync, statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { kv, openKvTestDatabase as openTestDatabase, type KvTestDatabase as TestDatabase } from './testing';
import { createSqliteDataSource, sqliteConnection } from './sqlite-data-source';
import { createTransactionRunner } from './transaction-runner';
import { WalCheckpointer } from './wal-checkpointer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const autocheckpoint = (db: TestDatabase) => sqliteConnection(db.ds)!.pragma('wal_autocheckpoint', { simple: true });

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('WalCheckpointer', () => {
  let db: TestDatabase;
  let checkpointer: WalCheckpointer | null = null;

  beforeEach(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await checkpointer?.stop();
    checkpointer = null;
    await db.close();
  });

  function start(options: Parameters<typeof WalCheckpointer.start>[1] = {}): WalCheckpointer {
    const started = WalCheckpointer.start(db.ds, options);
    if (!started) throw new Error('expected a checkpointer for a SQLite file');
    checkpointer = started;
    return started;
  }

  it('takes over checkpoints: the writer keeps only a safety valve, and under steady writes the log keeps starting over', async () => {
    expect(autocheckpoint(db)).toBe(1000);
    const cp = start({ intervalMs: 15, restartPages: 200 });
    await expect(cp.ready).resolves.toBe(true);
    expect(cp.running).toBe(true);
    expect(autocheckpoint(db)).toBe(10_000);

    // 4,000 commits of a new row each: at least two pages a commit, 8,000+ frames if the log
    // never started over (about 33 MB).
    const tx = createTransactionRunner(db.ds);
    for (let i = 0; i < 4000; i++) {
      await tx.run((m) => kv(m).set(`key-${i}`, `value-${i}`));
      if (i % 40 === 0) await sleep(1);
    }
    expect(cp.folds).toBeGreaterThan(0);
    expect(statSync(`${db.file}-wal`).size).toBeLessThan(8 * 1024 * 1024);
    expect(await tx.run((m) => kv(m).get('key-3999'))).toBe('value-3999');
  });

  it('checkpointNow copies the log into the database file, on the background thread', async () => {
    const cp = start({ intervalMs: 60_000 });
    await expect(cp.ready).resolves.toBe(true);
    const marker = 'Checkpointmarker-5521';
    await createTransactionRunner(db.ds).run((m) => kv(m).set('marker', marker));
    expect(readFileSync(db.file).toString('latin1')).not.toContain(marker);

    const result = await cp.checkpointNow();
    expect(result.log).toBeGreaterThan(0);
    expect(result.checkpointed).toBe(result.log);
    expect(readFileSync(db.file).toString('latin1')).toContain(marker);
  });

  it('stop ends the thread and gives checkpoints back to the writer', async () => {
    const cp = start();
    await expect(cp.ready).resolves.toBe(true);
    await cp.stop();
    expect(cp.running).toBe(false);
    expect(autocheckpoint(db)).toBe(1000);
    await expect(cp.checkpointNow()).rejects.toThrow(/not running/);
    await cp.stop(); // twice is fine
  });

  it('a thread that dies gives checkpoints back to the writer and is reported once', async () => {
    const errors: Error[] = [];
    const cp = start({ onError: (err) => errors.push(err) });
    await expect(cp.ready).resolves.toBe(true);
    await (cp as unknown as { worker: Worker }).worker.terminate();
    await eventually(() => !cp.running, 'the checkpointer to stop');
    expect(autocheckpoint(db)).toBe(1000);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/exited/);
  });

  it('is not started where the database does its own checkpoints (in memory)', async () => {
    const memory = createSqliteDataSource({ file: ':memory:', entities: [], migrations: [] });
    await memory.initialize();
    try {
      expect(WalCheckpointer.start(memory)).toBeNull();
    } finally {
      await memory.destroy();
    }
  });
});
