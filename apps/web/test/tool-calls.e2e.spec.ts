/**
 * Tool calls in the dashboard, end to end: real MCP servers built with the SDK (one over
 * Streamable HTTP in this process, one over stdio started by the API), the fake LLM scripted to
 * call their tools, the built API and dashboard, headless Chromium. Each call of a reply is a
 * collapsed row (name, MCP server, ok/failed, duration) live while the reply streams, that opens
 * to its input and output and is the same after a reload.
 */
import type { Locator, Page } from 'playwright-core';
import { MCP_STDIO_SERVER_SCRIPT, startDemoMcpHttpServer } from '@switchboard/session/testing';
import { fakeCatalog } from '@switchboard/tools/testing';
import { axeSerious, until, startWebTestEnv, type WebTestEnv } from './web-harness';

jest.setTimeout(120_000);

describe('tool calls in the dashboard (e2e, headless Chromium, real MCP servers)', () => {
  let env: WebTestEnv;
  let mcp: Awaited<ReturnType<typeof startDemoMcpHttpServer>>;
  let page: Page;
  let n = 0;

  beforeAll(async () => {
    mcp = await startDemoMcpHttpServer();
    env = await startWebTestEnv({
      config: (fake) =>
        fakeCatalog(fake, {
          agents: [{ name: 'tooled', match: { channel: 'web', peer: '*' }, tools: ['demo.*', 'local.*'] }],
          mcpServers: { demo: { url: mcp.url }, local: { command: process.execPath, args: [MCP_STDIO_SERVER_SCRIPT] } },
          // The demo's 50,000-character result reaches the reply whole (no summary), to see it cut on screen.
          limits: { toolResultMaxChars: 100_000 },
        }),
    });
    await until(() => env.client.listTools(), (r) => r.mcpServers.every((s) => s.state === 'connected'), 'the MCP servers connected', 20_000);
    page = await env.newPage();
    await env.signIn(page);
  });
  afterAll(async () => {
    await env?.close();
    await mcp?.close();
  });
  beforeEach(() => env.fake.reset());

  async function open(p: Page = page): Promise<string> {
    const s = await env.client.createSession({ channel: 'web', peerId: `web-tools-${++n}-${Date.now()}` });
    await p.goto(`${env.webUrl}/chat/${s.id}`);
    await p.getByLabel('Message', { exact: true }).waitFor();
    return s.id;
  }

  async function send(p: Page, text: string): Promise<void> {
    const box = p.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
  }

  const rowsOf = (p: Page) => p.getByTestId('tool-call');
  const headOf = (row: Locator) => row.getByRole('button');

  it('shows an HTTP MCP tool call live while the reply streams, collapsed; it opens to its input and output, and is the same after a reload', async () => {
    const id = await open();
    env.fake.addRule({ match: 'take a nap', toolCalls: [{ name: 'demo__slow', arguments: { ms: 2500 } }], times: 1 });
    env.fake.addRule({ match: 'take a nap', reply: (req) => (req.messages.some((m) => m.role === 'tool' && m.content === 'slept 2500') ? 'I slept well, thank you for asking.' : 'A nap'), chunkDelayMs: 40 });
    await send(page, 'take a nap please');

    // While the tool runs: the reply is streaming and its row says so.
    const row = rowsOf(page).first();
    await row.waitFor();
    expect(await page.locator('article.msg--assistant').last().getAttribute('data-status')).toBe('streaming');
    expect(await row.getAttribute('data-state')).toBe('running');
    expect(await headOf(row).textContent()).toContain('running…');
    expect(await headOf(row).getAttribute('aria-expanded')).toBe('false');
    await env.shot(page, 'tools-01-running');

    await until(() => row.getAttribute('data-state'), (s) => s === 'ok', 'the tool call finished');
    await page.locator('article.msg--assistant[data-status="complete"]').filter({ hasText: 'I slept well' }).waitFor();
    const head = headOf(row);
    expect(await head.textContent()).toMatch(/^demo\.slowMCP · demo ok\d\.\d s$/);
    expect(await head.getAttribute('aria-expanded')).toBe('false');
    expect(await row.getByTestId('tool-call-body').count()).toBe(0);

    await head.click();
    expect(await head.getAttribute('aria-expanded')).toBe('true');
    const body = row.getByTestId('tool-call-body');
    expect(await body.locator('pre').allTextContents()).toEqual(['{\n  "ms": 2500\n}', 'slept 2500']);
    expect(await body.getAttribute('id')).toBe(await head.getAttribute('aria-controls'));
    await env.shot(page, 'tools-02-expanded');
    // The reply's text is its own: the tool's output is not in it.
    expect(await page.locator('article.msg--assistant .msg__body').last().textContent()).toBe('I slept well, thank you for asking.');

    // After a reload the row comes from the stored reply: collapsed, same outcome and duration.
    await page.reload();
    const again = rowsOf(page).first();
    await again.waitFor();
    expect(await headOf(again).textContent()).toBe(await head.textContent());
    expect(await headOf(again).getAttribute('aria-expanded')).toBe('false');
    await headOf(again).click();
    expect(await again.getByTestId('tool-call-body').locator('pre').allTextContents()).toEqual(['{\n  "ms": 2500\n}', 'slept 2500']);
    const stored = (await env.client.listMessages(id)).messages.find((m) => m.role === 'assistant')!;
    expect(stored.parts.find((p) => p.type === 'tool-result')).toMatchObject({ toolName: 'demo__slow', output: 'slept 2500', durationMs: expect.any(Number) });

    // The dark theme, opened: readable and without serious accessibility violations.
    const dark = await env.newPage({ dark: true });
    try {
      await dark.goto(`${env.webUrl}/chat/${id}`);
      await headOf(rowsOf(dark).first()).click();
      await rowsOf(dark).first().getByTestId('tool-call-body').waitFor();
      await env.shot(dark, 'tools-05-dark');
      expect(await axeSerious(dark)).toEqual([]);
    } finally {
      await dark.close();
    }
  });

  it('shows a stdio tool that answered and one that failed, clips a long output, works by keyboard and fits a phone screen', async () => {
    const phone = await env.newPage({ width: 390, height: 844 });
    try {
      await open(phone);
      env.fake.addRule({
        match: 'add and fail',
        toolCalls: [
          { name: 'local__add', arguments: { a: 19, b: 23 } },
          { name: 'demo__fail', arguments: {} },
          { name: 'demo__big', arguments: {} },
        ],
        times: 1,
      });
      env.fake.addRule({ match: 'add and fail', reply: 'The sum is 42; the other tool failed, and the big one said a lot.' });
      await send(phone, 'add and fail, then go big');
      await phone.locator('article.msg--assistant[data-status="complete"]').filter({ hasText: 'The sum is 42' }).waitFor();
      const rows = rowsOf(phone);
      expect(await rows.count()).toBe(3);
      expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(['ok', 'error', 'ok']);
      expect(await headOf(rows.nth(0)).textContent()).toMatch(/^local\.addMCP · local ok\d+ ms$/);
      expect(await headOf(rows.nth(1)).textContent()).toMatch(/^demo\.failMCP · demo failed\d+ ms$/);
      await env.shot(phone, 'tools-03-phone');

      // By keyboard: focus the failed call's row and open it with Enter.
      await headOf(rows.nth(1)).focus();
      await phone.keyboard.press('Enter');
      expect(await headOf(rows.nth(1)).getAttribute('aria-expanded')).toBe('true');
      const failed = rows.nth(1).getByTestId('tool-call-body');
      expect(await failed.textContent()).toContain('Error');
      expect(await failed.textContent()).toContain('the demo tool failed on purpose');

      await headOf(rows.nth(2)).click();
      const big = rows.nth(2).getByTestId('tool-call-body');
      expect((await big.locator('pre').nth(1).textContent())!.length).toBe(4000);
      expect(await big.textContent()).toContain('Showing the first 4,000 of 50,000 characters.');
      await env.shot(phone, 'tools-04-phone-expanded');

      const m = await phone.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(m.scroll).toBeLessThanOrEqual(m.inner);
      expect(await axeSerious(phone)).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
