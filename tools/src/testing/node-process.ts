import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file runs from tools/src/testing or tools/dist/testing). */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** The built API entry point that `npm run api` starts. */
export const API_ENTRY = join(REPO_ROOT, 'apps/api/dist/main.js');

export interface NodeProcess {
  child: ChildProcess;
  /** The URL the process announced when it was ready. */
  url: string;
  /** Every line it has written so far (stdout and stderr). */
  log: string[];
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
}

export interface StartNodeOptions {
  /** Shown in errors ("API did not start in time"). */
  name: string;
  /** The ready URL in a log line, or null. */
  urlFrom: (line: string) => string | null;
  /** Extra node flags (e.g. --cpu-prof). */
  execArgv?: string[];
  timeoutMs?: number;
}

/**
 * Spawns `node entry` with exactly `env` (plus PATH and HOME) and resolves once a log line
 * announces its URL. Rejects with the whole log if it exits or stays silent too long.
 */
export function startNodeProcess(entry: string, env: Record<string, string>, options: StartNodeOptions): Promise<NodeProcess> {
  if (!existsSync(entry)) return Promise.reject(new Error(`${entry} is missing: run \`npm run build\` first (npm test does).`));
  const log: string[] = [];
  const child = spawn(process.execPath, [...(options.execArgv ?? []), entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stopProcess(child);
      reject(new Error(`${options.name} did not start in time:\n${log.join('\n')}`));
    }, options.timeoutMs ?? 30_000);
    let buf = '';
    let ready = false;
    const onData = (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        const url = ready ? null : options.urlFrom(line);
        if (url) {
          ready = true;
          clearTimeout(timer);
          resolvePromise({ child, url, log, stop: () => stopProcess(child) });
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${options.name} exited (${signal ?? code}) before it was ready:\n${log.join('\n')}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited (at once if it has). */
export function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    child.kill('SIGTERM');
  });
}

/** The URL of a JSON log line whose `msg` matches (the API's and dashboard's start-up lines carry `url`). */
export function urlFromJsonLine(pattern: RegExp): (line: string) => string | null {
  return (line) => {
    try {
      const j = JSON.parse(line) as { msg?: unknown; url?: unknown };
      return typeof j.url === 'string' && typeof j.msg === 'string' && pattern.test(j.msg) ? j.url : null;
    } catch {
      return null;
    }
  };
}

/**
 * Starts the built API (`apps/api/dist/main.js`, what `npm run api` runs) with this environment.
 * LOG_LEVEL must let the info-level "listening on" line through.
 */
export function startApiProcess(env: Record<string, string>, options: Pick<StartNodeOptions, 'execArgv' | 'timeoutMs'> = {}): Promise<NodeProcess> {
  return startNodeProcess(API_ENTRY, env, { name: 'API', urlFrom: urlFromJsonLine(/listening/), ...options });
}

/** A loopback port that was free a moment ago (nothing listens on it when this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True while a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
