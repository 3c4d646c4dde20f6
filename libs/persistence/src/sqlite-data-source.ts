import type { Database } from 'better-sqlite3';
import { DataSource, type DataSourceOptions, type LoggerOptions } from 'typeorm';

export interface SqliteDataSourceOptions {
  /** Path of the database file (its directory is created), or `:memory:`. */
  file: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  logging?: LoggerOptions;
  /** How long a statement waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Called with every SQL statement the connection runs (tests count them); TypeORM's logger misses the prepared-statement path. */
  trace?: (sql: string) => void;
}

/** A better-sqlite3 DataSource (not yet initialised) tuned for one busy writer: WAL, NORMAL sync, foreign keys, secure delete. */
export function createSqliteDataSource(options: SqliteDataSourceOptions): DataSource {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  return new DataSource({
    type: 'better-sqlite3',
    database: options.file,
    entities: options.entities,
    migrations: options.migrations,
    logging: options.logging ?? false,
    // The schema only ever changes through migrations.
    synchronize: false,
    migrationsRun: false,
    timeout: busyTimeoutMs,
    ...(options.trace ? { verbose: options.trace } : {}),
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      // WAL lets readers (CLI, backups) run beside the writer; NORMAL is durable enough under WAL.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // A deleted memory or conversation is overwritten on disk, not just unlinked.
      db.pragma('secure_delete = ON');
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    },
  });
}

// Any fixed number: the PostgreSQL advisory lock replicas take while one of them migrates.
const MIGRATION_LOCK_KEY = 7_270_016;

/**
 * Initialises the DataSource if needed and applies pending migrations; returns their names. On
 * PostgreSQL, replicas starting together take turns (an advisory lock): the first migrates, the
 * others then find nothing left to do.
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  if (!ds.isInitialized) await ds.initialize();
  if (ds.options.type !== 'postgres') return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

/** The better-sqlite3 connection behind a DataSource (TypeORM shares one for everything), or null on other drivers. */
export function sqliteConnection(ds: DataSource): Database | null {
  const driver = ds.driver as unknown as { options: { type: string }; databaseConnection?: Database };
  return driver.options.type === 'better-sqlite3' && driver.databaseConnection ? driver.databaseConnection : null;
}
