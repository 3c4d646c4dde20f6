import type { TableColumnOptions } from 'typeorm';

/*
 * Portable column helpers for every lib's migrations: the same migration builds the schema
 * on SQLite and PostgreSQL. Migrations that ran must keep producing the same tables, so a
 * helper never changes its output: add a new one instead.
 */

export const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });

export const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable,
});

export const text = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'text', isNullable });

export const int = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable });

export const bool = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'boolean', isNullable });

// `double precision`, not `real`: PostgreSQL's real is 4 bytes and would round summed costs.
export const double = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'double precision', isNullable });

// Timestamps are ISO-8601 strings: they sort as text and match the wire format as-is.
export const timestamp = (name: string, isNullable = false): TableColumnOptions => str(name, 30, isNullable);
