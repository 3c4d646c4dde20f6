#!/usr/bin/env node
// `npm run switchboard -- <command>`: runs the operator CLI from its build (tools/dist). It
// builds first only when the build is missing or older than the CLI's sources (a fresh clone,
// a pull, an edit), so a call normally costs one Node start, not a `tsc -b` check (~0.4-2 s).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entry = join(root, 'tools/dist/cli/switchboard.js');
const argv = process.argv.slice(2);
// The libs whose tables make up the database (as in apps/api/src/database/schema.ts): migrate-db
// migrates and copies their schema. Only that command loads them, so the others start fast.
const SCHEMA_LIBS = ['session', 'people', 'jobs', 'memory'];
const withDatabase = argv.includes('migrate-db');
const lib = (name, output = 'index.js') => ({
  src: join(root, `libs/${name}/src`),
  built: join(root, `libs/${name}/dist/.tsbuildinfo`),
  output: join(root, `libs/${name}/dist/${output}`),
  project: `libs/${name}/tsconfig.lib.json`,
});
// What the CLI runs: its own sources and the protocol library's (and for migrate-db the schema's libs), each against its build.
const parts = [
  { src: join(root, 'tools/src/cli'), built: join(root, 'tools/dist/.tsbuildinfo'), output: entry, project: 'tools/tsconfig.lib.json' },
  lib('protocol'),
  ...(withDatabase ? [lib('models'), lib('persistence'), ...SCHEMA_LIBS.map((name) => lib(name, 'server.js'))] : []),
];

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    // testing/ and specs are outside the builds (tsconfig.lib.json excludes them).
    if (e.isDirectory()) newest = e.name === 'testing' ? newest : Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function staleReason() {
  for (const part of parts) {
    if (!existsSync(part.output) || !existsSync(part.built)) return 'not built yet';
    if (newestSource(part.src) > statSync(part.built).mtimeMs) return 'its sources changed';
  }
  return null;
}

const reason = staleReason();
if (reason) {
  process.stderr.write(`Building the Switchboard CLI (${reason})...\n`);
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  if (!existsSync(tsc)) {
    process.stderr.write('TypeScript is not installed here: run npm install, then npm run build.\n');
    process.exit(1);
  }
  const built = spawnSync(process.execPath, [tsc, '-b', ...parts.map((p) => p.project)], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    // A half-edited source elsewhere should not lock the operator out: run the last build if any.
    if (!existsSync(entry)) process.exit(built.status ?? 1);
    process.stderr.write('The build failed (above); running the previous build of the CLI.\n');
  }
}

const require = createRequire(import.meta.url);

/** migrate-db's view of the database layer: @switchboard/persistence over the schema libs' entities and migrations. */
async function databaseKit() {
  const persistence = require('@switchboard/persistence');
  const libs = SCHEMA_LIBS.map((name) => ({ name, server: require(`@switchboard/${name}/server`) }));
  const entities = libs.flatMap(({ name, server }) => server[`${name}Entities`]);
  const migrations = libs.flatMap(({ name, server }) => server[`${name}Migrations`]);
  if (entities.includes(undefined) || migrations.includes(undefined)) throw new Error('a schema lib no longer exports <name>Entities / <name>Migrations');
  return {
    openSqlite: (file) => persistence.createSqliteDataSource({ file, entities, migrations }),
    openPostgres: (url) => persistence.createPostgresDataSource({ url, entities, migrations, poolSize: 2, applicationName: 'switchboard migrate-db' }),
    initialize: persistence.initializeDataSource,
    migrate: persistence.runMigrations,
    checkUrl: (url) => void persistence.parseDatabaseUrl(url),
    redact: persistence.redactDatabaseUrl,
    sqliteConnection: persistence.sqliteConnection,
  };
}

const { runCli } = require(entry);
process.exitCode = await runCli(argv, process.env, (s) => process.stdout.write(s + '\n'), { databaseKit });
