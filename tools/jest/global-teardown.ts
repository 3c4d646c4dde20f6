// Jest loads its global setup outside the module map, so the lib is imported by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { PostgresCluster } from '../../libs/persistence/src/testing/postgres-cluster';

/** Stops the cluster the global setup started (a cluster named by the environment is left alone). */
export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { __switchboardPostgres?: PostgresCluster }).__switchboardPostgres;
  if (cluster) await cluster.stop();
}
