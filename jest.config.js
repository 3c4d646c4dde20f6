/** One Jest run for the whole workspace: SWC transpiles TypeScript (decorators included). */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true, tsx: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const shared = {
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@switchboard/(models|session|protocol|memory|persistence|people|jobs)$': '<rootDir>/libs/$1/src/index.ts',
    '^@switchboard/(models|session|protocol|memory|people|jobs)/server$': '<rootDir>/libs/$1/src/server.ts',
    '^@switchboard/protocol/client$': '<rootDir>/libs/protocol/src/client.ts',
    '^@switchboard/persistence/testing$': '<rootDir>/libs/persistence/src/testing/index.ts',
    '^@switchboard/session/testing$': '<rootDir>/libs/session/src/testing/index.ts',
    '^@switchboard/tools/fake-llm$': '<rootDir>/tools/src/fake-llm/index.ts',
    '^@switchboard/tools/cli$': '<rootDir>/tools/src/cli/switchboard.ts',
    '^@switchboard/tools/testing$': '<rootDir>/tools/src/testing/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'all', roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/tools'], testMatch: ['**/*.spec.ts', '**/*.spec.tsx'] },
    // The API's e2e suite a second time, each test's API on a fresh PostgreSQL database.
    {
      ...shared,
      displayName: 'api-e2e-postgres',
      roots: ['<rootDir>/apps/api/test'],
      testMatch: ['**/*.e2e.spec.ts'],
      setupFiles: ['<rootDir>/apps/api/test/postgres-pass.setup.ts'],
    },
  ],
  // One throwaway PostgreSQL cluster for the run (tests that need PostgreSQL make their own database on it).
  globalSetup: '<rootDir>/tools/jest/global-setup.ts',
  globalTeardown: '<rootDir>/tools/jest/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};

// `jest --selectProjects NAME path/to/file.spec.ts` reads the path as a second project name and
// runs every test: take path-like values after --selectProjects as the test paths they were meant as.
(() => {
  const argv = process.argv;
  const at = argv.indexOf('--selectProjects');
  if (at < 0) return;
  const paths = [];
  for (let i = at + 1; i < argv.length && !argv[i].startsWith('-'); i++) if (/[/.]/.test(argv[i])) paths.push(argv[i]);
  if (!paths.length) return;
  const { resolve } = require('node:path');
  const files = paths.map((p) => resolve(p));
  for (const project of module.exports.projects) {
    project.testMatch = undefined;
    project.testRegex = files.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + (/\.tsx?$/.test(f) ? '$' : '(/.*)?\\.spec\\.tsx?$'));
  }
})();
