import type { EntityManager } from 'typeorm';

/**
 * Runs a read written with `:name` parameters, rewritten to the driver's placeholders, so the
 * same SQL serves SQLite and PostgreSQL. Identifiers are double-quoted (portable); numbers
 * must be validated integers (the SQLite driver inlines them).
 */
export async function selectRows<T>(manager: EntityManager, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const [text, values] = bindNamed(sql, params, manager.dataSource.driver.options.type === 'postgres' ? 'postgres' : 'sqlite');
  return (await manager.query(text, values)) as T[];
}

/**
 * `:name` (and `:...list`) parameters to positional ones. Every value is bound, numbers too:
 * TypeORM's SQLite escaping inlines numbers, which makes each call a new statement to prepare.
 */
export function bindNamed(sql: string, params: Record<string, unknown>, dialect: 'sqlite' | 'postgres'): [string, unknown[]] {
  const values: unknown[] = [];
  const push = (v: unknown): string => {
    values.push(typeof v === 'boolean' ? Number(v) : v);
    return dialect === 'postgres' ? `$${values.length}` : '?';
  };
  const text = sql.replace(/:(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)/g, (full, spread: string | undefined, key: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, key)) return full;
    const value = params[key];
    return spread ? (value as unknown[]).map(push).join(', ') : push(value);
  });
  return [text, values];
}

/** Throws unless n is a non-negative safe integer (limits, offsets and counts go into SQL). */
export function requireCount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}
