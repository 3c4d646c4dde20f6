import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';

/** Now as stored: ISO-8601 UTC, which sorts correctly as text. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** A new primary key. */
export function newId(): string {
  return randomUUID();
}

/** Parses a JSON text column, falling back when a row holds something unreadable. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** True when a query failed on a foreign key (SQLite or PostgreSQL): the parent row is missing. */
export function isForeignKeyViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as { code?: unknown; message?: unknown } | undefined;
  const code = driverError?.code;
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return true;
  return typeof driverError?.message === 'string' && /FOREIGN KEY constraint failed/i.test(driverError.message);
}

/** True when a query failed on a unique constraint (SQLite or PostgreSQL). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as { code?: unknown; message?: unknown } | undefined;
  if (driverError?.code === '23505' || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  return typeof driverError?.message === 'string' && /UNIQUE constraint failed/i.test(driverError.message);
}

/** SQLite's "database is busy/locked" (directly or wrapped by TypeORM): another process held the write lock; worth another try. */
export function isBusyError(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || /database is (locked|busy)/i.test(String(e?.message ?? ''));
}

/** PostgreSQL's deadlock_detected (40P01) and serialization_failure (40001), directly or wrapped by TypeORM: the transaction was rolled back whole. */
export function isConflictError(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  return code === '40P01' || code === '40001';
}

/** Splits ids into groups small enough for an `IN (...)` list on every driver. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
