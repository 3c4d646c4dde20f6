import type { DataSource, DataSourceOptions, Logger } from 'typeorm';
import { createPostgresDataSource } from '../postgres-data-source';
import { runMigrations } from '../sqlite-data-source';
import { createPostgresTestDatabase } from './postgres-cluster';
import { openSqliteTestDatabase } from './sqlite-test-database';

/** The two databases a store supports. */
export type TestDialect = 'sqlite' | 'postgres';

/** Both dialects, for `describe.each(TEST_DIALECTS)`: every store test runs on SQLite and on PostgreSQL. */
export const TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres'];

/** A migrated test database of either dialect. */
export interface DialectTestDatabase {
  ds: DataSource;
  dialect: TestDialect;
  /** Runs SQL written with `?` placeholders on either dialect and returns its rows (RETURNING rows for a write). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Closes the connections and removes the database (the temp file, or the PostgreSQL database). */
  close(): Promise<void>;
}

export interface OpenDialectTestDatabaseOptions {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  migrate?: boolean;
  /** Called with every SQL statement the database runs (tests count them). */
  trace?: (sql: string) => void;
}

/** A lib's entities and migrations on a temp SQLite file or a fresh database of the run's PostgreSQL cluster. */
export async function openDialectTestDatabase(dialect: TestDialect, options: OpenDialectTestDatabaseOptions): Promise<DialectTestDatabase> {
  if (dialect === 'sqlite') {
    const db = await openSqliteTestDatabase(options);
    return { ds: db.ds, dialect, query: (sql, params) => rawQuery(db.ds, dialect, sql, params), close: () => db.close() };
  }
  const pg = await createPostgresTestDatabase();
  const ds = createPostgresDataSource({ url: pg.url, entities: options.entities, migrations: options.migrations, poolSize: 4 });
  // The pg driver logs every statement through TypeORM's logger (SQLite's trace hook has no counterpart here).
  if (options.trace) ds.setOptions({ logger: traceLogger(options.trace) });
  try {
    if (options.migrate === false) await ds.initialize();
    else await runMigrations(ds);
  } catch (err) {
    if (ds.isInitialized) await ds.destroy();
    await pg.drop();
    throw err;
  }
  return {
    ds,
    dialect,
    query: (sql, params) => rawQuery(ds, dialect, sql, params),
    async close() {
      if (ds.isInitialized) await ds.destroy();
      await pg.drop();
    },
  };
}

async function rawQuery<T>(ds: DataSource, dialect: TestDialect, sql: string, params: unknown[] = []): Promise<T[]> {
  let n = 0;
  const text = dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
  const runner = ds.createQueryRunner();
  try {
    const result = (await runner.query(text, params, true)) as { records?: T[] };
    return result.records ?? [];
  } finally {
    await runner.release();
  }
}

function traceLogger(trace: (sql: string) => void): Logger {
  const ignore = () => undefined;
  return { logQuery: (sql) => trace(sql), logQueryError: ignore, logQuerySlow: ignore, logSchemaBuild: ignore, logMigration: ignore, log: ignore };
}
