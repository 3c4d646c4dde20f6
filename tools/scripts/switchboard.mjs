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
// What the CLI runs: its own sources and the protocol library's, each against its build.
const parts = [
  { src: join(root, 'tools/src/cli'), built: join(root, 'tools/dist/.tsbuildinfo'), output: entry },
  { src: join(root, 'libs/protocol/src'), built: join(root, 'libs/protocol/dist/.tsbuildinfo'), output: join(root, 'libs/protocol/dist/index.js') },
];

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
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
  const built = spawnSync(process.execPath, [tsc, '-b', 'tools/tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    // A half-edited source elsewhere should not lock the operator out: run the last build if any.
    if (!existsSync(entry)) process.exit(built.status ?? 1);
    process.stderr.write('The build failed (above); running the previous build of the CLI.\n');
  }
}

const { runCli } = createRequire(import.meta.url)(entry);
process.exitCode = await runCli(process.argv.slice(2), process.env, (s) => process.stdout.write(s + '\n'));
