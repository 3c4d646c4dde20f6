import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { createPostgresDataSource } from '../postgres-data-source';
import { runMigrations } from '../sqlite-data-source';

export { startPostgresCluster, type PostgresCluster } from '../postgres-cluster';

/** The environment variable through which a test run shares its PostgreSQL cluster (an admin URL). */
export const TEST_POSTGRES_URL_ENV = 'SWITCHBOARD_TEST_POSTGRES_URL';

/** The cluster this test run shares (see the Jest global setup), or null when none was started. */
export function testPostgresUrl(): string | null {
  return process.env[TEST_POSTGRES_URL_ENV] || null;
}

export interface PostgresTestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the shared test cluster; `drop()` removes it (closing what is still connected). */
export async function createPostgresTestDatabase(adminUrl = testPostgresUrl()): Promise<PostgresTestDatabase> {
  if (!adminUrl) throw new Error(`${TEST_POSTGRES_URL_ENV} is not set: the Jest global setup starts a PostgreSQL cluster for the tests`);
  // Not `sb_…`: that reads as a secret to the log scrubber.
  const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface PostgresTestDataSource {
  ds: DataSource;
  url: string;
  close(): Promise<void>;
}

/** A lib's entities and migrations on a fresh database of the shared test cluster (migrated unless `migrate: false`). */
export async function openPostgresTestDatabase(options: {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
  migrate?: boolean;
}): Promise<PostgresTestDataSource> {
  const db = await createPostgresTestDatabase();
  const ds = createPostgresDataSource({ url: db.url, entities: options.entities, migrations: options.migrations, poolSize: 4 });
  if (options.migrate === false) await ds.initialize();
  else await runMigrations(ds);
  return {
    ds,
    url: db.url,
    async close() {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    },
  };
}
