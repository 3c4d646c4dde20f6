/**
 * Browser-test harness: the real built API (`apps/api/dist/main.js`) over the fake LLM, the
 * real built dashboard (`apps/web/dist/server.js`), and Debian's Chromium driven by
 * playwright-core. Every process is started here and stopped by its own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SwitchboardClient } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';

export const ROOT = resolve(__dirname, '../../..');
export const TOKEN = 'web-e2e-token-0123456789abcdef';
export const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const API_ENTRY = join(ROOT, 'apps/api/dist/main.js');
const WEB_ENTRY = join(ROOT, 'apps/web/dist/server.js');

/** The catalog over the fake LLM (the same shape the API's own e2e tests use). */
export function catalog(fake: FakeLlmServer): Record<string, unknown> {
  return {
    providers: {
      fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
      fakeanthropic: { type: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
    },
    models: [
      { id: 'main', provider: 'fake', model: 'fake-main', tier: 'default', label: 'Fake Main', aliases: ['gpt'], contextWindow: 100000, price: { input: 2, output: 8 } },
      { id: 'quick', provider: 'fake', model: 'fake-quick', tier: 'fast', label: 'Fake Quick', price: { input: 0.4, output: 1.6 } },
      { id: 'claude', provider: 'fakeanthropic', model: 'claude-fake', tier: 'complex', label: 'Fake Claude', aliases: ['sonnet'], price: { input: 3, output: 15 } },
      { id: 'llama', provider: 'fake', model: 'fake-llama', tier: 'local', label: 'Fake Llama (local)' },
    ],
    defaultModel: 'main',
  };
}

/** Spawns `node entry` and resolves with the URL its start-up log line announces. */
function startNode(entry: string, env: Record<string, string>, urlFrom: (line: string) => string | null, name: string): Promise<{ child: ChildProcess; url: string; log: string[] }> {
  const log: string[] = [];
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } as unknown as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in time:\n${log.join('\n')}`)), 30_000);
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        const url = urlFrom(line);
        if (url) {
          clearTimeout(timer);
          resolvePromise({ child, url, log });
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log.join('\n')}`));
    });
  });
}

const jsonUrl = (pattern: RegExp) => (line: string) => {
  try {
    const j = JSON.parse(line) as { msg?: string; url?: string };
    return j.url && pattern.test(j.msg ?? '') ? j.url : null;
  } catch {
    return null;
  }
};

function stopChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    if (child.pid) process.kill(child.pid, 'SIGTERM');
  });
}

export interface WebTestEnv {
  fake: FakeLlmServer;
  apiUrl: string;
  webUrl: string;
  /** The typed client, straight to the API (for setup and checks). */
  client: SwitchboardClient;
  /** The browser (a persistent context over a fresh --user-data-dir). */
  context: BrowserContext;
  newPage(opts?: { width?: number; height?: number; dark?: boolean }): Promise<Page>;
  signIn(page: Page): Promise<void>;
  shot(page: Page, name: string): Promise<string>;
  stopApi(): Promise<void>;
  /** Stops the dashboard server and starts it again on the same port (the browser keeps its page). */
  restartWeb(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the fake LLM, the built API and dashboard, and a headless Chromium. */
export async function startWebTestEnv(): Promise<WebTestEnv> {
  for (const [what, path] of [
    ['API', API_ENTRY],
    ['dashboard', WEB_ENTRY],
    ['dashboard build', join(ROOT, 'apps/web/.next/BUILD_ID')],
  ] as const) {
    if (!existsSync(path)) throw new Error(`The ${what} is not built (${path}): run npm run build first.`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (tools/scripts/ensure-test-deps.sh).`);
  mkdirSync(SCREENSHOTS, { recursive: true });

  const fake = await startFakeLlm({ apiKey: 'fake-secret-key' });
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-web-e2e-'));
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(catalog(fake)));
  const profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
  let api: ChildProcess | null = null;
  let web: ChildProcess | null = null;
  let context: BrowserContext | null = null;

  const close = async () => {
    await context?.close().catch(() => undefined);
    await stopChild(web);
    await stopChild(api);
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  };

  try {
    const a = await startNode(
      API_ENTRY,
      { PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_CONFIG: configFile, SWITCHBOARD_API_TOKEN: TOKEN, FAKE_KEY: 'fake-secret-key', LOG_LEVEL: 'info' },
      jsonUrl(/listening/),
      'API',
    );
    api = a.child;
    const webEnv = (port: string) => ({ WEB_PORT: port, HOST: '127.0.0.1', SWITCHBOARD_API_URL: a.url, SWITCHBOARD_API_TOKEN: TOKEN, LOG_LEVEL: 'info' });
    const w = await startNode(WEB_ENTRY, webEnv('0'), jsonUrl(/dashboard/i), 'dashboard');
    web = w.child;
    // A fresh profile directory (playwright passes it as --user-data-dir).
    const context0 = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    context = context0;
    const env: WebTestEnv = {
      fake,
      apiUrl: a.url,
      webUrl: w.url,
      client: new SwitchboardClient({ baseUrl: a.url, token: TOKEN }),
      context: context0,
      async newPage(opts = {}) {
        const page = await context0.newPage();
        await page.setViewportSize({ width: opts.width ?? 1280, height: opts.height ?? 800 });
        await page.emulateMedia({ colorScheme: opts.dark ? 'dark' : 'light', reducedMotion: 'reduce' });
        page.setDefaultTimeout(15_000);
        return page;
      },
      async signIn(page) {
        await page.goto(w.url + '/signin');
        await page.getByLabel('API token').fill(TOKEN);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(/\/chat/);
      },
      async shot(page, name) {
        const file = join(SCREENSHOTS, `${name}.png`);
        await page.screenshot({ path: file, fullPage: false });
        return file;
      },
      async stopApi() {
        await stopChild(api);
      },
      async restartWeb() {
        await stopChild(web);
        web = (await startNode(WEB_ENTRY, webEnv(new URL(w.url).port), jsonUrl(/dashboard/i), 'dashboard')).child;
      },
      close,
    };
    return env;
  } catch (err) {
    await close();
    throw err;
  }
}
