/**
 * Browser-test harness: the real built API (`apps/api/dist/main.js`) over the fake LLM, the
 * real built dashboard (`apps/web/dist/server.js`), and Debian's Chromium driven by
 * playwright-core. Every process is started here and stopped by its own pid.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { SwitchboardClient } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { API_ENTRY, apiTestEnv, FAKE_KEY, fakeCatalog, REPO_ROOT, startApiProcess, startNodeProcess, urlFromJsonLine, type NodeProcess } from '@switchboard/tools/testing';

export const ROOT = REPO_ROOT;
export const TOKEN = 'web-e2e-token-0123456789abcdef';
export const SCREENSHOTS = join(ROOT, 'artifacts/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const WEB_ENTRY = join(ROOT, 'apps/web/dist/server.js');

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

export interface WebTestOptions {
  /** The API's config file (default: the fake catalog alone). */
  config?: (fake: FakeLlmServer) => Record<string, unknown>;
}

/** Starts the fake LLM, the built API and dashboard, and a headless Chromium. */
export async function startWebTestEnv(options: WebTestOptions = {}): Promise<WebTestEnv> {
  for (const [what, path] of [
    ['API', API_ENTRY],
    ['dashboard', WEB_ENTRY],
    ['dashboard build', join(ROOT, 'apps/web/.next/BUILD_ID')],
  ] as const) {
    if (!existsSync(path)) throw new Error(`The ${what} is not built (${path}): run npm run build first.`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (tools/scripts/ensure-test-deps.sh).`);
  mkdirSync(SCREENSHOTS, { recursive: true });

  const fake = await startFakeLlm({ apiKey: FAKE_KEY });
  const { dataDir, env: apiEnv } = apiTestEnv((options.config ?? fakeCatalog)(fake), { token: TOKEN });
  const profile = mkdtempSync(join(tmpdir(), 'switchboard-chromium-'));
  let api: NodeProcess | null = null;
  let web: NodeProcess | null = null;
  let context: BrowserContext | null = null;

  const close = async () => {
    await context?.close().catch(() => undefined);
    await web?.stop();
    await api?.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  };

  try {
    const a = await startApiProcess(apiEnv);
    api = a;
    const webEnv = (port: string) => ({ WEB_PORT: port, HOST: '127.0.0.1', SWITCHBOARD_API_URL: a.url, SWITCHBOARD_API_TOKEN: TOKEN, LOG_LEVEL: 'info' });
    const startWeb = (port: string) => startNodeProcess(WEB_ENTRY, webEnv(port), { name: 'dashboard', urlFrom: urlFromJsonLine(/dashboard/i) });
    const w = await startWeb('0');
    web = w;
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
        await api?.stop();
      },
      async restartWeb() {
        await web?.stop();
        web = await startWeb(new URL(w.url).port);
      },
      close,
    };
    return env;
  } catch (err) {
    await close();
    throw err;
  }
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now, one line each: rule (impact) help — first targets and why. */
export async function axeSerious(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Found = { id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Found[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.slice(0, 300)}` : ''}`).join('; ')}`);
  });
}

/** Polls until `predicate` holds (Jest has no expect.poll). */
export async function until<T>(fn: () => Promise<T>, predicate: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (predicate(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
