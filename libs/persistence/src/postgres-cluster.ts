import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/*
 * A throwaway PostgreSQL server for the tests and the benchmarks (never for production data):
 * Debian's server binaries, a temp directory, a free loopback port.
 */

/** Where Debian puts the server binaries (they are not on PATH). */
function postgresBin(name: string): string {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  for (const version of ['17', '16', '15', '14', '13']) {
    const candidate = `/usr/lib/postgresql/${version}/bin/${name}`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`PostgreSQL's ${name} was not found: install Debian's postgresql package (tools/scripts/ensure-test-deps.sh does)`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface PostgresCluster {
  /** Superuser URL of the `postgres` database. */
  url: string;
  /** The server's data directory (its postmaster.pid names the server process). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL server: `initdb` into a temp directory and `pg_ctl start` on a free
 * loopback port, its socket inside that directory. The server refuses to run as root, so as root
 * it runs as `nobody`. Password authentication on TCP, so the URL carries a (random) password
 * the way a real deployment's does.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pg-'));
  const dataDir = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const asRoot = process.getuid?.() === 0;
  const run = (bin: string, args: string[]) => {
    const argv = asRoot ? ['-u', 'nobody', '--', postgresBin(bin), ...args] : args;
    execFileSync(asRoot ? 'runuser' : postgresBin(bin), argv, { stdio: 'pipe', cwd: dir, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  };
  if (asRoot) {
    chownSync(dir, 65534, 65534);
    chmodSync(dir, 0o700);
  }
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, password, { mode: 0o600 });
  if (asRoot) chownSync(pwFile, 65534, 65534);
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const options = [`-c listen_addresses=127.0.0.1`, `-p ${port}`, `-k ${dir}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=300'].join(' ');
  run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start']);
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  // A run killed before its teardown must not leave a server behind: a watchdog stops it when this process goes.
  const pgCtl = postgresBin('pg_ctl');
  const stopCmd = `${asRoot ? 'runuser -u nobody -- ' : ''}${pgCtl} -D ${dataDir} -m immediate stop; rm -rf ${dir}`;
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && [ -d ${dataDir} ]; do sleep 2; done; [ -d ${dataDir} ] && { ${stopCmd}; }`], {
    detached: true,
    stdio: 'ignore',
  }).unref();
  return {
    url,
    dataDir,
    async stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '20', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
