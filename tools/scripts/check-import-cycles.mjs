#!/usr/bin/env node
// Fails when any TypeScript file in apps/, libs/ or tools/ takes part in an import cycle
// (type-only imports and re-exports included: a cycle of types is still a tangle).
// Nx's enforce-module-boundaries catches cycles between projects; this catches them inside one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = new Set(['node_modules', 'dist', '.next', 'coverage', 'data', 'artifacts']);

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const configPath = join(root, 'tsconfig.base.json');
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const options = ts.convertCompilerOptionsFromJson(config.compilerOptions ?? {}, root).options;
const host = ts.createCompilerHost(options);

const files = ['apps', 'libs', 'tools'].flatMap((d) => sourceFiles(join(root, d)));
const known = new Set(files);
const graph = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const deps = new Set();
  for (const { fileName } of importedFiles) {
    const resolved = ts.resolveModuleName(fileName, file, options, host).resolvedModule?.resolvedFileName;
    if (resolved && known.has(resolve(resolved))) deps.add(resolve(resolved));
  }
  graph.set(file, [...deps]);
}

// Tarjan's strongly connected components, iterative (deep import chains would overflow the stack).
let index = 0;
const idx = new Map();
const low = new Map();
const onStack = new Set();
const stack = [];
const cycles = [];
for (const start of files) {
  if (idx.has(start)) continue;
  const work = [[start, 0]];
  idx.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length) {
    const frame = work[work.length - 1];
    const [v, i] = frame;
    const deps = graph.get(v);
    if (i < deps.length) {
      frame[1]++;
      const w = deps[i];
      if (!idx.has(w)) {
        idx.set(w, index);
        low.set(w, index++);
        stack.push(w);
        onStack.add(w);
        work.push([w, 0]);
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
      continue;
    }
    work.pop();
    if (work.length) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(v)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v).includes(v)) cycles.push(scc);
    }
  }
}

if (cycles.length) {
  console.error(`Import cycles (${cycles.length}):`);
  for (const scc of cycles) console.error('  - ' + scc.map((f) => relative(root, f)).sort().join('\n    '));
  process.exit(1);
}
console.log(`No import cycles in ${files.length} files.`);
