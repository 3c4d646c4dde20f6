#!/usr/bin/env node
// Prints each route's first-load JavaScript, gzipped, after `next build`.
// Next 16 no longer prints these figures; it still writes the chunk list of every route to
// .next/diagnostics/route-bundle-stats.json, so we gzip those chunks ourselves (level 9, as
// the server's compression would). Exits non-zero when the chat page passes its budget.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const statsFile = join(appDir, '.next/diagnostics/route-bundle-stats.json');
const BUDGET_KB = 200;
const BUDGETED = ['/chat', '/chat/[sessionId]'];

if (!existsSync(statsFile)) {
  console.error(`report-bundle: ${statsFile} is missing (run next build first)`);
  process.exit(1);
}
const rows = JSON.parse(readFileSync(statsFile, 'utf8'));
const gz = new Map();
const gzipOf = (rel) => {
  if (!gz.has(rel)) gz.set(rel, gzipSync(readFileSync(join(appDir, rel)), { level: 9 }).length);
  return gz.get(rel);
};
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' kB';

console.log('\nFirst-load JS per route (gzipped; raw in brackets):');
let over = false;
for (const row of rows.sort((a, b) => a.route.localeCompare(b.route))) {
  const gzipped = row.firstLoadChunkPaths.reduce((n, p) => n + gzipOf(p), 0);
  const budgeted = BUDGETED.includes(row.route);
  const flag = budgeted ? (gzipped / 1024 > BUDGET_KB ? `  OVER the ${BUDGET_KB} kB budget` : `  (budget ${BUDGET_KB} kB)`) : '';
  if (budgeted && gzipped / 1024 > BUDGET_KB) over = true;
  console.log(`  ${row.route.padEnd(22)} ${kb(gzipped)}  [${kb(row.firstLoadUncompressedJsBytes).trim()}]${flag}`);
}
console.log('');
if (over) process.exit(1);
