// Jest loads its global setup outside the module map, so the lib is imported by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startPostgresCluster, TEST_POSTGRES_URL_ENV, type PostgresCluster } from '../../libs/persistence/src/testing/postgres-cluster';

/**
 * Starts one throwaway PostgreSQL cluster for the whole test run (tests then create their own
 * databases on it), unless the environment already names one. Jest's workers inherit the URL.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[TEST_POSTGRES_URL_ENV]) return;
  const cluster: PostgresCluster = await startPostgresCluster();
  process.env[TEST_POSTGRES_URL_ENV] = cluster.url;
  (globalThis as { __switchboardPostgres?: PostgresCluster }).__switchboardPostgres = cluster;
}
