/** Test support of libs/persistence (never built into the lib): temp SQLite databases. */
export * from './sqlite-test-database';
export * from './kv-test-database';
