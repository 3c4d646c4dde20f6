/** Test support of libs/persistence (never built into the lib): temp SQLite databases, a throwaway PostgreSQL cluster with a fresh database per test, and one opener for either. */
export * from './sqlite-test-database';
export * from './kv-test-database';
export * from './postgres-cluster';
export * from './test-databases';
