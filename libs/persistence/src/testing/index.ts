/** Test support of libs/persistence (never built into the lib): temp SQLite databases, and a throwaway PostgreSQL cluster with a fresh database per test. */
export * from './sqlite-test-database';
export * from './kv-test-database';
export * from './postgres-cluster';
