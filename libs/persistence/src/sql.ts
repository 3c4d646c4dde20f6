import { QueryFailedError, type EntityManager, type QueryRunner } from 'typeorm';
import type { Database, Statement } from 'better-sqlite3';
import { sqliteConnection } from './sqlite-data-source';

/**
 * Runs a read written with `:name` parameters, rewritten to the driver's placeholders, so the
 * same SQL serves SQLite and PostgreSQL. Identifiers are double-quoted (portable); numbers
 * must be validated integers (the SQLite driver inlines them).
 */
export async function selectRows<T>(manager: EntityManager, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const [text, values] = bindNamed(sql, params, manager.dataSource.driver.options.type === 'postgres' ? 'postgres' : 'sqlite');
  const db = sqliteConnection(manager.dataSource);
  if (db) return runPrepared<T>(db, text, values);
  // The structured result: a plain query answers an UPDATE/DELETE on PostgreSQL with [rows, count], not its RETURNING rows.
  const owned = !manager.queryRunner;
  const runner = manager.queryRunner ?? manager.dataSource.createQueryRunner();
  try {
    const result = (await runner.query(text, values, true)) as { records?: T[] };
    return result.records ?? [];
  } finally {
    if (owned) await runner.release();
  }
}

const statements = new WeakMap<Database, Map<string, Statement>>();

/**
 * The hot path on SQLite: a cached prepared statement run on the shared connection (so it is
 * part of any open transaction), without TypeORM's per-query machinery. Errors keep TypeORM's
 * shape (QueryFailedError with the driver error) so callers classify them the same way.
 */
function runPrepared<T>(db: Database, sql: string, values: unknown[]): T[] {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  try {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      // Our SQL is a fixed set (parameters are bound), but `IN (...)` lists vary: keep the cache bounded.
      if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
      cache.set(sql, stmt);
    }
    if (stmt.reader) return stmt.all(...values) as T[];
    stmt.run(...values);
    return [];
  } catch (err) {
    throw new QueryFailedError(sql, values, err as Error);
  }
}

/**
 * `:name` (and `:...list`) parameters to positional ones. Every value is bound, numbers too:
 * TypeORM's SQLite escaping inlines numbers, which makes each call a new statement to prepare.
 */
export function bindNamed(sql: string, params: Record<string, unknown>, dialect: 'sqlite' | 'postgres'): [string, unknown[]] {
  // The hot path's SQL is a fixed set without lists: its rewrite is computed once per text.
  const plan = plans.get(sql);
  if (plan && plan.dialect === dialect && plan.keys.every((k) => has(params, k)) && !plan.unbound.some((k) => has(params, k))) {
    const values = new Array<unknown>(plan.keys.length);
    for (let i = 0; i < plan.keys.length; i++) {
      const v = params[plan.keys[i]];
      values[i] = typeof v === 'boolean' ? Number(v) : v;
    }
    return [plan.text, values];
  }
  const { text, values, keys, unbound, spread } = rewrite(sql, params, dialect);
  if (!spread && plans.size < 1000) plans.set(sql, { dialect, text, keys, unbound });
  return [text, values];
}

interface Plan {
  dialect: 'sqlite' | 'postgres';
  text: string;
  /** Parameter names in placeholder order. */
  keys: string[];
  /** `:names` left in the text because no such parameter was given (a plan is valid only while they stay absent). */
  unbound: string[];
}

const plans = new Map<string, Plan>();
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function rewrite(sql: string, params: Record<string, unknown>, dialect: 'sqlite' | 'postgres'): Plan & { values: unknown[]; spread: boolean } {
  const values: unknown[] = [];
  const keys: string[] = [];
  const unbound: string[] = [];
  let spread = false;
  const push = (v: unknown): string => {
    values.push(typeof v === 'boolean' ? Number(v) : v);
    return dialect === 'postgres' ? `$${values.length}` : '?';
  };
  const text = sql.replace(/:(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)/g, (full, list: string | undefined, key: string) => {
    if (!has(params, key)) {
      unbound.push(key);
      return full;
    }
    const value = params[key];
    if (list) {
      spread = true;
      return (value as unknown[]).map(push).join(', ');
    }
    keys.push(key);
    return push(value);
  });
  return { dialect, text, keys, unbound, values, spread };
}

/** Throws unless n is a non-negative safe integer (limits, offsets and counts go into SQL). */
export function requireCount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}

/** Runs SQL with `:name` parameters through a migration's query runner, on SQLite or PostgreSQL alike. */
export function migrationQuery<T = unknown>(queryRunner: QueryRunner, sql: string, params: Record<string, unknown> = {}): Promise<T> {
  const [text, values] = bindNamed(sql, params, queryRunner.connection.driver.options.type === 'postgres' ? 'postgres' : 'sqlite');
  return queryRunner.query(text, values) as Promise<T>;
}

/**
 * Holds one row's write lock until the transaction ends, on PostgreSQL (`FOR NO KEY UPDATE`, so
 * foreign-key checks of child inserts are not blocked): a read-then-write under it (the next
 * queue position, a count against a limit) cannot interleave with another one on the same row,
 * as SQLite's single writer already guarantees. Does nothing on SQLite. Call it inside a
 * transaction; a missing row locks nothing (the write that follows fails on its foreign key).
 */
export async function lockRow(manager: EntityManager, table: string, id: string, options: { forDelete?: boolean } = {}): Promise<void> {
  if (manager.dataSource.driver.options.type !== 'postgres') return;
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error(`lockRow("${table}") runs inside a transaction`);
  const strongest = options.forDelete === true;
  const key = `${table}\u0000${id}`;
  let held = heldLocks.get(runner);
  // Already held at least this strongly by this transaction: asking again is a round trip for nothing.
  if (held?.has(key) && (held.get(key) || !strongest)) return;
  // A delete takes the row's strongest lock first, so it queues behind (and ahead of) writers
  // that lock the row before touching its children, instead of deadlocking with them.
  await manager.query(`SELECT 1 FROM "${table}" WHERE "id" = $1 ${strongest ? 'FOR UPDATE' : 'FOR NO KEY UPDATE'}`, [id]);
  // Only a lock of the outermost transaction is sure to last until it ends: one taken in a
  // savepoint goes if the savepoint is rolled back. (TypeORM keeps the depth protected; were it
  // ever gone, nothing would be remembered, which is only slower.)
  if ((runner as unknown as { transactionDepth?: unknown }).transactionDepth !== 1) return;
  if (!held) heldLocks.set(runner, (held = new Map()));
  held.set(key, strongest);
}

/**
 * Row locks each open transaction holds (table + id -> taken for a delete). TypeORM gives every
 * `transaction()` a query runner of its own and drops it at the end, so the map goes with it.
 */
const heldLocks = new WeakMap<QueryRunner, Map<string, boolean>>();
