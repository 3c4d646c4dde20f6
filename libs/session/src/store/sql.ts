import type { EntityManager } from 'typeorm';

/**
 * Runs a read written with `:name` parameters, rewritten to the driver's placeholders, so the
 * same SQL serves SQLite and PostgreSQL. Identifiers are double-quoted (portable); numbers
 * must be validated integers (the SQLite driver inlines them).
 */
export async function selectRows<T>(manager: EntityManager, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const [text, values] = manager.dataSource.driver.escapeQueryWithParameters(sql, params);
  return (await manager.query(text, values)) as T[];
}

/** Throws unless n is a non-negative safe integer (limits, offsets and counts go into SQL). */
export function requireCount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}
