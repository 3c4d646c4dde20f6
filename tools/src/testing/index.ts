/** Test support shared by the apps' e2e suites and the benchmarks: processes, the fake catalog, polling. */
export * from './node-process';
export * from './fake-catalog';
export * from './attachment-fixtures';
