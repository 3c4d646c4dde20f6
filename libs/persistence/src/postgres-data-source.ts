import { DataSource, type DataSourceOptions, type LoggerOptions } from 'typeorm';

export interface PostgresDataSourceOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  url: string;
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  logging?: LoggerOptions;
  /** Connections this process keeps open at most. */
  poolSize?: number;
  /** A statement running longer than this is cancelled by the server (0 = no limit). */
  statementTimeoutMs?: number;
  /** How long opening a connection may take before it fails. */
  connectTimeoutMs?: number;
  /** Shown in `pg_stat_activity` (the replica's name helps an operator). */
  applicationName?: string;
}

export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

/** Checks a PostgreSQL URL's shape; throws DatabaseUrlError (which never quotes the password). */
export function parseDatabaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError('DATABASE_URL is not a URL (expected postgres://user:password@host:5432/database).');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseUrlError(`DATABASE_URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//…).`);
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) throw new DatabaseUrlError('DATABASE_URL names no host.');
  if (parsed.pathname.replace(/^\//, '') === '') throw new DatabaseUrlError('DATABASE_URL names no database (…/database at the end).');
  return parsed;
}

/** The URL with its password replaced by `***`, for logs and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** A PostgreSQL DataSource (not yet initialised): a pool of `poolSize` connections, each with the statement timeout. */
export function createPostgresDataSource(options: PostgresDataSourceOptions): DataSource {
  parseDatabaseUrl(options.url);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    logging: options.logging ?? false,
    synchronize: false,
    migrationsRun: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'switchboard',
    connectTimeoutMS: options.connectTimeoutMs ?? 10_000,
    extra: {
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
      // A pooled connection idle for long is closed; the pool reopens one when needed.
      idleTimeoutMillis: 30_000,
    },
  });
}

/** The SQL dialect of a DataSource. */
export function dialectOf(ds: DataSource): 'sqlite' | 'postgres' {
  return ds.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * Opens a DataSource and turns a connection failure into one clear line: where it tried (the
 * password redacted) and why, never the driver's stack or the credentials.
 */
export async function initializeDataSource(ds: DataSource, describe: string): Promise<DataSource> {
  try {
    await ds.initialize();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatabaseUrlError(`Could not open the database at ${describe}: ${scrubPasswords(reason)}`);
  }
  return ds;
}

function scrubPasswords(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
}
