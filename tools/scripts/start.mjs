#!/usr/bin/env node
// `npm start`: runs every part of Switchboard that is configured, each as its own process,
// with prefixed output; stops them all on Ctrl-C. The API always runs; the others join when
// they are built and configured, and say clearly when they are skipped.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname, '..');
const env = { ...process.env };
const port = env.PORT || '8787';
const apiUrl = env.SWITCHBOARD_API_URL || `http://127.0.0.1:${port}`;
const dataDir = resolve(env.SWITCHBOARD_DATA_DIR || './data');

const services = [
  { name: 'api', entry: 'apps/api/dist/main.js', enabled: true },
  {
    name: 'web',
    entry: 'apps/web/dist/server.js',
    enabled: existsSync(join(root, 'apps/web/project.json')),
    skip: 'the web dashboard is not part of this build',
  },
  {
    name: 'telegram',
    entry: 'apps/telegram/dist/main.js',
    enabled: Boolean(env.TELEGRAM_BOT_TOKEN) && existsSync(join(root, 'apps/telegram/project.json')),
    skip: env.TELEGRAM_BOT_TOKEN ? 'the Telegram app is not part of this build' : 'TELEGRAM_BOT_TOKEN is not set',
  },
];

const children = new Map();
let stopping = false;

function prefix(name, stream, target) {
  let buf = '';
  stream.on('data', (d) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const line of lines) target.write(`[${name}] ${line}\n`);
  });
}

function run(service, extraEnv = {}) {
  const child = spawn(process.execPath, [join(root, service.entry)], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(service.name, child);
  prefix(service.name, child.stdout, process.stdout);
  prefix(service.name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      console.error(`[start] ${service.name} exited (${signal ?? code}); stopping everything.`);
      stop(typeof code === 'number' && code !== 0 ? code : 1);
    } else if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
  return child;
}

// Each part exits within 7 s of SIGTERM on its own; whatever is left at 9 s is killed, so
// everything is gone within 10 s. A second Ctrl-C kills at once.
const KILL_AFTER_MS = 9000;

function killAll(why) {
  if (children.size) console.error(`[start] ${why}: killing ${[...children.keys()].join(', ')}.`);
  for (const c of children.values()) c.kill('SIGKILL');
  process.exit(process.exitCode ?? 1);
}

function stop(code = 0) {
  if (stopping) return killAll('stopping again');
  stopping = true;
  process.exitCode = code;
  for (const c of children.values()) c.kill('SIGTERM');
  setTimeout(() => killAll(`still running ${KILL_AFTER_MS / 1000} s after SIGTERM`), KILL_AFTER_MS).unref();
  if (children.size === 0) process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
// Started by `npm start`, a SIGTERM to npm ends its shell and leaves this process with a new
// parent: stop everything when the parent goes.
const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanWatch);
  console.error('[start] the parent process exited; stopping.');
  stop(0);
}, 1000);
orphanWatch.unref();

async function waitForApi() {
  for (let i = 0; i < 150; i++) {
    try {
      const res = await fetch(`${apiUrl}/api/v1/health`);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

run(services[0]);
if (!(await waitForApi())) {
  console.error(`[start] the API did not answer at ${apiUrl}`);
  stop(1);
} else {
  const tokenFile = join(dataDir, 'api-token');
  const token = env.SWITCHBOARD_API_TOKEN || (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '');
  const shared = { SWITCHBOARD_API_URL: apiUrl, SWITCHBOARD_API_TOKEN: token };
  for (const s of services.slice(1)) {
    if (!s.enabled || !existsSync(join(root, s.entry))) {
      console.log(`[start] ${s.name}: skipped — ${s.enabled ? `not built (${s.entry} missing)` : s.skip}`);
      continue;
    }
    run(s, shared);
  }
  const dashboard = children.has('web') ? ` Dashboard: http://${env.HOST || '127.0.0.1'}:${env.WEB_PORT || '3000'} (sign in with the token).` : '';
  console.log(`[start] Switchboard is up. API: ${apiUrl} (docs: ${apiUrl}/api/docs).${dashboard} Token: ${env.SWITCHBOARD_API_TOKEN ? 'SWITCHBOARD_API_TOKEN' : tokenFile}. Ctrl-C stops.`);
}
