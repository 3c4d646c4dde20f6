import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './node-process';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
}

const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { license: string; engines: { node: string } };

/** Where npm would look up an optional dependency of the package at `at` (nested first, then hoisted). */
function resolved(at: string, dep: string): LockEntry | undefined {
  return lock.packages[`${at ? `${at}/` : ''}node_modules/${dep}`] ?? lock.packages[`node_modules/${dep}`];
}

describe('what a fresh clone installs from', () => {
  it('the lockfile holds every optional (platform) binary, so npm ci on another OS or CPU finds its own', () => {
    const missing: string[] = [];
    for (const [at, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) if (!resolved(at, dep)) missing.push(`${dep} (for ${at || 'the root'})`);
    }
    expect(missing).toEqual([]);
  });

  it('covers Linux, macOS and Windows on x64 and arm64 for the native build tools', () => {
    for (const prefix of ['@next/swc-', '@swc/core-']) {
      const targets = Object.entries(lock.packages)
        .filter(([path]) => path.startsWith(`node_modules/${prefix}`))
        .flatMap(([, e]) => (e.os ?? []).flatMap((os) => (e.cpu ?? []).map((cpu) => `${os}-${cpu}`)));
      for (const target of ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64']) expect([prefix, targets]).toEqual([prefix, expect.arrayContaining([target])]);
    }
  });

  it('ships the LICENSE that package.json names, and a CHANGELOG', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(existsSync(join(REPO_ROOT, 'CHANGELOG.md'))).toBe(true);
    expect(pkg.engines.node).toBe('>=20.19');
  });
});
