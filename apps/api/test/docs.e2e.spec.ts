/**
 * The API docs page (/api/docs) over real HTTP: its assets carry the content types a browser
 * needs (a `text/plain` stylesheet is ignored, and the page renders unstyled), and the page
 * renders, styled, in Debian's headless Chromium. A screenshot goes to artifacts/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from '@switchboard/tools/testing';
import { rawRequest, startTestApi, type TestApi } from './harness';

const CHROMIUM = '/usr/bin/chromium';

describe('API docs page', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the page as HTML and each asset with its own content type', async () => {
    const page = await fetch(`${t.api.url}/api/docs`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(['/api/docs/assets/favicon-32x32.png', '/api/docs/assets/swagger-ui.css', '/api/docs/assets/swagger-ui-bundle.js', '/api/docs/assets/docs-init.js']);
    // No inline script: a strict Content-Security-Policy can allow the page.
    expect(html).not.toMatch(/<script>[^<]/);
    const expected: Record<string, RegExp> = { png: /^image\/png$/, css: /^text\/css/, js: /^text\/javascript/ };
    for (const path of assets) {
      const res = await fetch(t.api.url + path);
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, res.headers.get('content-type')]).toEqual([path, expect.stringMatching(expected[path.split('.').pop()!])]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(50);
    }
  });

  it('answers an unknown asset with a 404 and a stable code, without reading any other file', async () => {
    for (const name of ['nope.css', 'package.json', 'index.html', 'toString', '__proto__', '..%2F..%2Fpackage.json']) {
      const res = await rawRequest(t.api.url, 'GET', `/api/docs/assets/${name}`);
      expect([name, res.status, res.json?.error?.code]).toEqual([name, 404, 'NOT_FOUND']);
    }
  });

  (existsSync(CHROMIUM) ? it : it.skip)('renders styled in headless Chromium, with the API listed', async () => {
    let browser: Browser | null = null;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
      await page.goto(`${t.api.url}/api/docs`);
      const title = page.locator('.swagger-ui .info .title');
      await title.filter({ hasText: 'Switchboard API' }).waitFor({ timeout: 15_000 });
      await page.locator('.opblock-summary-path').filter({ hasText: '/api/v1/sessions' }).first().waitFor();
      // swagger-ui.css applied: its title is 36px (the browser's unstyled text is 16px).
      expect(await title.evaluate((el) => getComputedStyle(el).fontSize)).toBe('36px');
      expect(await page.evaluate(() => [...document.styleSheets].some((s) => s.cssRules.length > 100))).toBe(true);
      const dir = join(REPO_ROOT, 'artifacts/screenshots');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'api-docs.png') });
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
