/**
 * First-token benchmark: from pressing Enter in the dashboard to the first token visible in
 * Chromium, against the fake LLM with a fixed first-token latency (subtracted), compared with
 * the same turn's first `message.delta` on the API's own WebSocket, in the same run. The
 * difference is what the dashboard path (its server's proxy, the browser's socket, React, the
 * stream store, the Markdown renderer, a paint) adds on top of the API.
 *
 * Processes: the fake LLM (forked), the built API and the built dashboard, each its own
 * process, and Debian's headless Chromium (playwright-core).
 *
 * Usage: node tools/dist/bench/first-token.js [--turns 40] [--latency 200] [--warmup 5]
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { chromium, type Page } from 'playwright-core';
import { SwitchboardClient, type WebSocketConstructor } from '@switchboard/protocol';
import { API_ENTRY, REPO_ROOT, startApiProcess, startNodeProcess, urlFromJsonLine, type NodeProcess } from '../testing';
import { forkFakeLlm, type FakeLlmProcess } from './fake-llm-process';
import { percentile } from './bench-support';

const TOKEN = 'bench-token-0123456789abcdef';
const CHROMIUM = '/usr/bin/chromium';
const WEB_ENTRY = join(REPO_ROOT, 'apps/web/dist/server.js');

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** p50 / p90 / mean of samples, in ms with one decimal. */
export function summarise(samples: number[]): { p50: number; p90: number; mean: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50: r(percentile(s, 50)), p90: r(percentile(s, 90)), mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)), n: s.length };
}

/** Arms the page: Enter in the composer stamps the time; the first visible text of a new reply stamps another, at the next paint. */
async function arm(page: Page, marker: string): Promise<void> {
  await page.evaluate((m) => {
    const w = window as unknown as { __bench: { enter: number | null; visible: number | null } };
    w.__bench = { enter: null, visible: null };
    const box = document.getElementById('composer-input');
    box?.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter' && w.__bench.enter === null) w.__bench.enter = performance.timeOrigin + performance.now();
    }, { capture: true, once: true });
    // Only a reply that was not on the page before this turn counts.
    const before = new Set([...document.querySelectorAll('article.msg--assistant')].map((el) => el.getAttribute('data-message-id')));
    const seen = () =>
      [...document.querySelectorAll('article.msg--assistant')].some(
        (el) => !before.has(el.getAttribute('data-message-id')) && (el.querySelector('.msg__body')?.textContent ?? '').includes(m),
      );
    const observer = new MutationObserver(() => {
      if (w.__bench.visible !== null || !seen()) return;
      observer.disconnect();
      // Visible = painted: the frame after the DOM took the text.
      requestAnimationFrame(() => {
        w.__bench.visible = performance.timeOrigin + performance.now();
      });
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }, marker);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { turns: { type: 'string', default: '40' }, latency: { type: 'string', default: '200' }, warmup: { type: 'string', default: '5' }, out: { type: 'string' } },
  });
  const turns = Number(values.turns);
  const latencyMs = Number(values.latency);
  const warmup = Number(values.warmup);
  for (const [what, path] of [
    ['API', API_ENTRY],
    ['dashboard', WEB_ENTRY],
  ] as const) {
    if (!existsSync(path)) throw new Error(`The ${what} is not built (${path}): run npm run build first.`);
  }

  let fake: FakeLlmProcess | null = null;
  let api: NodeProcess | null = null;
  let web: NodeProcess | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-ft-'));
  const profile = mkdtempSync(join(tmpdir(), 'switchboard-bench-chromium-'));
  const browser = { close: async () => undefined as unknown };
  try {
    // Every chunk after the first arrives at once: the first token is the only latency.
    fake = await forkFakeLlm({ defaultReply: 'Marker reply with a few more words after it.', chunkSize: 8, latency: { '*': { firstTokenMs: latencyMs, chunkMs: 0 } } });
    const configFile = join(dataDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        providers: { fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'bench-key' } },
        models: [{ id: 'main', provider: 'fake', model: 'fake-main', tier: 'default', label: 'Fake Main' }],
        defaultModel: 'main',
      }),
    );
    api = await startApiProcess({
      PORT: '0',
      HOST: '127.0.0.1',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_CONFIG: configFile,
      SWITCHBOARD_API_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
      // A benchmark sends many messages a minute: the owner's limits are not under test.
      SWITCHBOARD_RATE_LIMIT_PER_MINUTE: '100000',
    });
    const apiUrl = api.url;
    web = await startNodeProcess(WEB_ENTRY, { WEB_PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_API_URL: apiUrl, SWITCHBOARD_API_TOKEN: TOKEN, LOG_LEVEL: 'info' }, { name: 'dashboard', urlFrom: urlFromJsonLine(/dashboard/i) });
    const webUrl = web.url;
    progress(`api ${apiUrl} · dashboard ${webUrl} · first-token latency ${latencyMs} ms`);

    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    browser.close = () => context.close();
    const page = await context.newPage();
    await page.setViewportSize({ width: 1366, height: 850 });
    await page.goto(`${webUrl}/signin`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/chat/);

    // The API's own socket, watching the same conversation: its first delta per turn.
    const client = new SwitchboardClient({ baseUrl: apiUrl, token: TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
    const socket = await client.connect();
    const firstDelta = new Map<string, number>();
    socket.on('message.delta', (p) => {
      if (!firstDelta.has(p.turnId)) firstDelta.set(p.turnId, performance.timeOrigin + performance.now());
    });

    const dashboard: number[] = [];
    const apiSide: number[] = [];
    const added: number[] = [];
    let session = await client.createSession({ channel: 'web', peerId: `bench-${Date.now()}` });
    await socket.subscribe(session.id);
    await page.goto(`${webUrl}/chat/${session.id}`);
    const box = page.getByLabel('Message', { exact: true });
    await box.waitFor();
    for (let i = 0; i < warmup + turns; i++) {
      if (i > 0 && i % 20 === 0) {
        // A fresh conversation now and then, so history length does not creep into the figure.
        session = await client.createSession({ channel: 'web', peerId: `bench-${Date.now()}-${i}` });
        await socket.subscribe(session.id);
        await page.goto(`${webUrl}/chat/${session.id}`);
        await box.waitFor();
      }
      const text = `turn ${i}`;
      await box.fill(text);
      await arm(page, 'Marker');
      const before = new Set(firstDelta.keys());
      await box.press('Enter');
      await page.waitForFunction(() => (window as unknown as { __bench: { visible: number | null } }).__bench.visible !== null, null, { timeout: 30_000 });
      const stamps = await page.evaluate(() => (window as unknown as { __bench: { enter: number; visible: number } }).__bench);
      const turnId = await waitFor(() => [...firstDelta.keys()].find((k) => !before.has(k)) ?? null);
      const deltaAt = firstDelta.get(turnId)!;
      // Wait for the turn to end before the next (its Stop button goes away).
      await page.getByRole('button', { name: 'Stop the reply' }).waitFor({ state: 'detached', timeout: 30_000 });
      if (i < warmup) continue;
      const d = stamps.visible - stamps.enter - latencyMs;
      const a = deltaAt - stamps.enter - latencyMs;
      dashboard.push(d);
      apiSide.push(a);
      added.push(d - a);
    }
    socket.close();

    const result = {
      turns,
      firstTokenLatencyMs: latencyMs,
      enterToFirstVisibleTokenMinusLatency: summarise(dashboard),
      enterToFirstApiDeltaMinusLatency: summarise(apiSide),
      dashboardAddsOverApi: summarise(added),
      budgetP50Ms: 30,
    };
    const ok = result.dashboardAddsOverApi.p50 <= 30;
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(
      [
        '',
        `| from Enter, first-token latency (${latencyMs} ms) subtracted | p50 ms | p90 ms |`,
        '| --- | --- | --- |',
        `| first token visible in Chromium | ${result.enterToFirstVisibleTokenMinusLatency.p50} | ${result.enterToFirstVisibleTokenMinusLatency.p90} |`,
        `| first \`message.delta\` on the API's WebSocket | ${result.enterToFirstApiDeltaMinusLatency.p50} | ${result.enterToFirstApiDeltaMinusLatency.p90} |`,
        `| what the dashboard adds | ${result.dashboardAddsOverApi.p50} | ${result.dashboardAddsOverApi.p90} |`,
        '',
        ok ? `OK: the dashboard adds ${result.dashboardAddsOverApi.p50} ms p50 (budget 30 ms).` : `OVER BUDGET: the dashboard adds ${result.dashboardAddsOverApi.p50} ms p50 (budget 30 ms).`,
        '',
      ].join('\n'),
    );
    if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
    if (!ok) process.exitCode = 1;
  } finally {
    await browser.close().catch(() => undefined);
    await web?.stop();
    await api?.stop();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

async function waitFor<T>(fn: () => T | null, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v !== null) return v;
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the API socket');
    await new Promise((r) => setTimeout(r, 2));
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
