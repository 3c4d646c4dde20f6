/**
 * The dashboard end to end: headless Debian Chromium against the real built web app, the real
 * built API and the fake LLM. Screenshots of the main pages go to artifacts/screenshots/.
 */
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { until, startWebTestEnv, TOKEN, type WebTestEnv } from './web-harness';

jest.setTimeout(90_000);

const SLOW = { firstTokenDelayMs: 300, chunkDelayMs: 25 };
const STORY = [
  '# A streamed answer',
  '',
  'Here is a list:',
  '',
  '- first point',
  '- second point with `inline code`',
  '',
  '```ts',
  'export function add(a: number, b: number): number {',
  '  return a + b; // typed',
  '}',
  '```',
  '',
  '| model | tier |',
  '| --- | --- |',
  '| Fake Main | default |',
  '',
  'And a closing paragraph that takes a little while to arrive, so the test can watch it grow.',
].join('\n');

/** An empty web conversation, opened. ("New" in the dashboard stores nothing until the first message: conversations.e2e.spec.ts tests it.) */
async function newConversation(env: WebTestEnv, page: Page): Promise<string> {
  const { id } = await env.client.createSession({ channel: 'web', peerId: `web-e2e-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await page.goto(`${env.webUrl}/chat/${id}`);
  await page.getByLabel('Message', { exact: true }).waitFor();
  return id;
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

const lastReply = (page: Page) => page.locator('article.msg--assistant').last();

describe('web dashboard (e2e, headless Chromium)', () => {
  let env: WebTestEnv;
  let page: Page;
  let storyId = '';

  beforeAll(async () => {
    env = await startWebTestEnv();
    page = await env.newPage();
  });

  afterAll(async () => {
    await env?.close();
  });

  beforeEach(async () => {
    env.fake.reset();
    // Every test but the sign-in one starts signed in (so each can also run alone with -t).
    const name = expect.getState().currentTestName ?? '';
    const signingIn = name.includes('signs in with the right one') || name.includes('guards the API proxy') || name.includes('malformed cookie');
    if (!signingIn && !(await env.context.cookies(env.webUrl)).some((c) => c.name === 'sb_session')) await env.signIn(page);
  });

  it('sends a browser with a malformed cookie (a bad % escape) to the sign-in screen, not a 500', async () => {
    for (const bad of ['%', '%E0%A4%A', 'v1.%zz']) {
      const headers = { cookie: `sb_session=${bad}` };
      const chat = await fetch(`${env.webUrl}/chat`, { headers, redirect: 'manual' });
      expect([chat.status, chat.headers.get('location')]).toEqual([302, '/signin?next=%2Fchat']);
      const signin = await fetch(`${env.webUrl}/signin`, { headers });
      expect(signin.status).toBe(200);
      expect((await fetch(`${env.webUrl}/api/v1/sessions`, { headers })).status).toBe(401);
      expect((await fetch(`${env.webUrl}/auth/status`, { headers })).status).toBe(200);
    }
    // Another app's broken cookie on the same host does not sign the browser out.
    const login = await fetch(`${env.webUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${env.webUrl}/api/v1/sessions`, { headers: { cookie: `junk=%; ${cookie}` } })).status).toBe(200);

    await env.context.addCookies([{ name: 'sb_session', value: '%E0%A4%A', url: env.webUrl }]);
    await page.goto(env.webUrl + '/chat');
    await page.waitForURL(/\/signin\?next=%2Fchat/);
    await page.getByLabel('API token').waitFor();
    await env.context.clearCookies();
  });

  it('guards the API proxy: no cookie, no API; no cross-site writes or sockets', async () => {
    const noCookie = await fetch(`${env.webUrl}/api/v1/sessions`);
    expect(noCookie.status).toBe(401);
    const forged = await fetch(`${env.webUrl}/api/v1/sessions`, { headers: { authorization: `Bearer ${TOKEN}`, cookie: 'sb_session=v1.1800000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forged.status).toBe(401);
    const login = await fetch(`${env.webUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${env.webUrl}/api/v1/sessions`, { headers: { cookie } })).status).toBe(200);
    const crossSite = await fetch(`${env.webUrl}/api/v1/sessions`, { method: 'POST', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${env.webUrl.replace('http', 'ws')}/ws`, { headers });
        ws.once('open', () => (ws.close(), resolve(101)));
        ws.once('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
    expect(await upgrade({})).toBe(401);
    expect(await upgrade({ cookie, origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade({ cookie, origin: env.webUrl })).toBe(101);
  });

  it('refuses a wrong token, signs in with the right one, and keeps the token out of page scripts', async () => {
    await page.goto(env.webUrl + '/chat');
    await page.waitForURL(/\/signin\?next=%2Fchat/);
    await page.getByLabel('API token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await env.shot(page, '01-sign-in-error');

    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/chat$/);
    const cookies = await env.context.cookies(env.webUrl);
    const session = cookies.find((c) => c.name === 'sb_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(session.value).not.toContain(TOKEN);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const html = await page.content();
    expect(html).not.toContain(TOKEN);
  });

  it('sends a message and shows the reply streaming in, as Markdown with highlighted code', async () => {
    env.fake.addRule({ match: 'tell me a story', reply: STORY, ...SLOW });
    storyId = await newConversation(env, page);
    await send(page, 'tell me a story');
    await page.locator('.msg--user').filter({ hasText: 'tell me a story' }).waitFor();
    const streaming = page.locator('[data-streaming="true"]');
    await streaming.waitFor();
    const first = (await streaming.textContent())?.length ?? 0;
    await page.waitForTimeout(400);
    const later = (await streaming.textContent().catch(() => ''))?.length ?? 0;
    expect(later).toBeGreaterThan(first);
    await page.getByRole('button', { name: 'Stop the reply' }).waitFor();
    await env.shot(page, '02-chat-streaming');

    const reply = lastReply(page);
    await reply.locator('.hljs-keyword').first().waitFor(); // complete, rendered, highlighted
    await expect(reply.getByTestId('message-model').textContent()).resolves.toBe('Fake Main · global default');
    expect(await reply.locator('h1').textContent()).toBe('A streamed answer');
    expect(await reply.locator('table td').first().textContent()).toBe('Fake Main');
    await expect(page.getByRole('button', { name: 'Stop the reply' }).count()).resolves.toBe(0);
    await env.shot(page, '03-chat-complete');
  });

  it('switches the model with the picker and with /model, and shows where it comes from', async () => {
    const id = await newConversation(env, page);
    await expect(page.getByTestId('model-source').textContent()).resolves.toBe('global default');
    await page.getByTestId('model-picker').click();
    await page.getByRole('option', { name: /Fake Quick/ }).click();
    await page.getByTestId('model-label').filter({ hasText: 'Fake Quick' }).waitFor();
    await expect(page.getByTestId('model-source').textContent()).resolves.toBe('session override');
    expect((await env.client.getSession(id)).modelOverride).toBe('quick');

    await send(page, 'which model?');
    await lastReply(page).getByTestId('message-model').filter({ hasText: 'Fake Quick · session override' }).waitFor();
    await env.shot(page, '04-model-override');

    // Keyboard: open the picker with the arrow key, choose "Follow the default" with Enter.
    await page.getByTestId('model-picker').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByRole('listbox').waitFor();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.getByTestId('model-source').filter({ hasText: 'global default' }).waitFor().catch(async (err) => {
      await env.shot(page, 'debug-picker');
      console.log('DIAG', JSON.stringify({ override: (await env.client.getSession(id)).modelOverride, error: await page.locator('.picker__error').allTextContents(), listOpen: await page.getByRole('listbox').count(), focused: await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120)) }));
      throw err;
    });

    // The inline command does the same, and its reply shows in this tab only.
    await send(page, '/model fast');
    await page.getByTestId('model-source').filter({ hasText: 'session override' }).waitFor();
    await expect(page.getByTestId('model-label').textContent()).resolves.toBe('Fake Quick');
    await page.locator('.msg--command-reply').first().waitFor();
    await send(page, '/model default');
    await page.getByTestId('model-source').filter({ hasText: 'global default' }).waitFor();
    expect((await env.client.getSession(id)).modelOverride).toBeNull();
  });

  it('queues a message sent during a slow reply; it keeps its own model and runs in order', async () => {
    // About 20 s of streaming, so picking a model and queueing two messages never outruns it on a
    // loaded machine (CI saw a 5 s reply finish first); the test stops it once the queue is set up.
    env.fake.addRule({ match: 'slow one', reply: 'A slow reply. '.repeat(100), firstTokenDelayMs: 200, chunkDelayMs: 115 });
    const id = await newConversation(env, page);
    await send(page, 'slow one');
    await page.locator('[data-streaming="true"]').waitFor();

    // While it streams: pin Fake Quick, then send two messages; delete the second.
    await page.getByTestId('model-picker').click();
    await page.getByRole('option', { name: /Fake Quick/ }).click();
    await page.getByTestId('model-source').filter({ hasText: 'session override' }).waitFor();
    await send(page, 'queued with quick');
    await send(page, 'queued then deleted');
    const queue = page.getByRole('region', { name: /Queued messages/ });
    await queue.locator('.queue__item').nth(1).waitFor();
    expect(await queue.getByTestId('queued-model').first().textContent()).toBe('Fake Quick · session override');
    await env.shot(page, '05-queue');
    await queue.getByRole('button', { name: /Delete queued message: queued then deleted/ }).click();
    await until(() => queue.locator('.queue__item').count(), (n) => n === 1, 'one queued item');

    // The slow reply ends (stopped here; its partial text is kept), then the queued message runs with its snapshot.
    await env.client.abort(id);
    const queuedReply = page.locator('article.msg--assistant').filter({ hasText: 'Echo: queued with quick' });
    await queuedReply.waitFor({ timeout: 30_000 });
    await queuedReply.getByTestId('message-model').filter({ hasText: 'Fake Quick · queued' }).waitFor();
    await until(() => page.getByRole('region', { name: /Queued messages/ }).count(), (n) => n === 0, 'an empty queue');
    const { messages } = await env.client.listMessages(id);
    expect(messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['slow one', 'queued with quick']);
  });

  it('promotes a queued message and interrupts the running reply', async () => {
    env.fake.addRule({ match: 'very long', reply: 'Going on and on. '.repeat(200), firstTokenDelayMs: 100, chunkDelayMs: 30 });
    await newConversation(env, page);
    await send(page, 'very long');
    await page.locator('[data-streaming="true"]').waitFor();
    await send(page, 'first in line');
    await send(page, 'jump the queue');
    const queue = page.getByRole('region', { name: /Queued messages/ });
    await queue.locator('.queue__item').nth(1).waitFor();
    await queue.locator('.queue__item').nth(1).getByRole('button', { name: 'Send now' }).click();
    await page.locator('article.msg--assistant[data-status="interrupted"]').waitFor();
    await page.locator('article.msg--assistant').filter({ hasText: 'Echo: jump the queue' }).waitFor({ timeout: 20_000 });
    await page.locator('article.msg--assistant').filter({ hasText: 'Echo: first in line' }).waitFor({ timeout: 20_000 });
    const order = await page.locator('.msg--user .msg__bubble').allTextContents();
    expect(order.slice(-3)).toEqual(['very long', 'jump the queue', 'first in line']);
  });

  it('changes the global default in settings; a conversation without an override follows it', async () => {
    const follower = await newConversation(env, page);
    await send(page, 'before the change');
    await lastReply(page).getByTestId('message-model').filter({ hasText: 'Fake Main · global default' }).waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Model catalog' }).waitFor();
    await env.shot(page, '06-settings');
    await page.getByLabel('Global default').selectOption('claude');
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await env.client.listModels()).defaultModel.modelConfigId).toBe('claude');

    await page.goto(`${env.webUrl}/chat/${follower}`);
    await page.getByTestId('model-label').filter({ hasText: 'Fake Claude' }).waitFor();
    await expect(page.getByTestId('model-source').textContent()).resolves.toBe('global default');
    await send(page, 'who answers now?');
    await lastReply(page).getByTestId('message-model').filter({ hasText: 'Fake Claude · global default' }).waitFor();
    // The engine switch is a distinct one-line event in the transcript.
    await page.locator('.event[data-kind="engine_switch"]').filter({ hasText: 'Fake Main → Fake Claude' }).waitFor();

    const dark = await env.newPage({ dark: true });
    await dark.goto(`${env.webUrl}/chat/${follower}`);
    await dark.locator('.event[data-kind="engine_switch"]').waitFor();
    await env.shot(dark, '06b-engine-switch-dark');
    await dark.close();
    await env.client.setDefaultModel('main');
  });

  it('shows usage with totals and a chart, as the API adds it up across conversations', async () => {
    const before = await env.client.getUsageReport();
    await page.goto(env.webUrl + '/usage');
    await page.getByTestId('usage-totals').filter({ hasText: 'model calls' }).waitFor();
    await page.locator('.chart__rows').waitFor();
    const after = await env.client.getUsageReport();
    // Side work may land while the page loads: the page shows a count between the two reports.
    // The first stat's line under the figure (the whole card's text runs the token figure into it).
    const shown = Number(/^(\d+) model calls/.exec((await page.getByTestId('usage-totals').locator('.stat__sub').first().textContent()) ?? '')?.[1]);
    expect(shown).toBeGreaterThanOrEqual(before.total.calls);
    expect(shown).toBeLessThanOrEqual(after.total.calls);
    expect(after.total.calls).toBeGreaterThan(0);
    await expect(page.getByTestId('usage-by-day').locator('tbody tr').first().textContent()).resolves.toContain(new Date().toISOString().slice(0, 10));
    await env.shot(page, '07-usage');
  });

  it('lists memories with filters and deletes one', async () => {
    const create = async (body: Record<string, unknown>) => {
      const r = (await env.client.request('POST', '/api/v1/memories', body)) as { memory?: { id: string } | null; id?: string };
      return r.memory?.id ?? r.id!;
    };
    await env.client.createSession({ channel: 'api', peerId: 'project-peer', projectId: 'switchboard' });
    const memoryId = await create({ content: 'The user prefers dark roast coffee, no sugar.', scope: 'global' });
    const projectId = await create({ content: 'Switchboard uses SQLite in WAL mode by default.', scope: 'project', projectId: 'switchboard' });
    await page.goto(env.webUrl + '/memory');
    const item = page.locator(`[data-memory-id="${memoryId}"]`);
    await item.waitFor();
    await page.locator(`[data-memory-id="${projectId}"]`).waitFor();
    await env.shot(page, '08-memory');

    await page.getByRole('combobox', { name: 'Scope' }).selectOption('project:switchboard');
    await item.waitFor({ state: 'detached' });
    await page.locator(`[data-memory-id="${projectId}"]`).waitFor();
    await page.getByRole('combobox', { name: 'Scope' }).selectOption('global');
    await item.waitFor();
    await page.getByLabel('Search memories').fill('coffee');
    await item.waitFor();

    await item.getByRole('button', { name: 'Delete memory' }).click();
    await item.getByRole('button', { name: 'Delete', exact: true }).click();
    await item.waitFor({ state: 'detached' });
    const { memories } = (await env.client.request('GET', '/api/v1/memories')) as { memories: Array<{ id: string }> };
    expect(memories.some((m) => m.id === memoryId)).toBe(false);
    expect(memories.some((m) => m.id === projectId)).toBe(true);
  });

  it('loads the chat page within the 200 kB first-load JavaScript budget (gzip, as served)', async () => {
    if (!storyId) {
      const s = await env.client.createSession({ channel: 'web', peerId: `js-${Date.now()}` });
      await env.client.sendMessage(s.id, { text: 'hello', wait: true });
      storyId = s.id;
    }
    const fresh = await env.newPage();
    await fresh.goto(`${env.webUrl}/chat/${storyId}`, { waitUntil: 'load' });
    await fresh.locator('article.msg--assistant .md:not(.md--plain)').first().waitFor();
    const js = await fresh.evaluate(async () => {
      // The first-load scripts are the ones the server's HTML names; the rest load later.
      const html = await (await fetch(location.href)).text();
      const named = new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => new URL(m[1], location.href).href));
      const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.endsWith('.js'));
      const sum = (list: PerformanceResourceTiming[]) => list.reduce((n, r) => n + r.encodedBodySize, 0);
      return { initial: sum(scripts.filter((r) => named.has(r.name))), all: sum(scripts), files: scripts.length, named: named.size };
    });
    console.log(`chat page JS over the wire (gzip): ${(js.initial / 1024).toFixed(1)} kB first load (${js.named} scripts in the HTML), ${(js.all / 1024).toFixed(1)} kB with the lazy chunks (${js.files} files)`);
    expect(js.initial / 1024).toBeLessThan(200);
    await fresh.close();
  });

  it('works on a phone-sized screen and in the dark theme', async () => {
    const phone = await env.newPage({ width: 390, height: 844, dark: true });
    await phone.goto(env.webUrl + '/chat');
    await phone.getByRole('heading', { name: 'Conversations' }).waitFor();
    await env.shot(phone, '09-phone-list-dark');
    await phone.locator('a.convo').first().click();
    await phone.getByLabel('Message', { exact: true }).waitFor();
    await phone.getByRole('link', { name: 'Back to conversations' }).waitFor();
    await env.shot(phone, '10-phone-conversation-dark');
    await phone.close();
  });

  it('loads earlier history on demand in a long conversation, keeping what the user was reading in place', async () => {
    const s = await env.client.createSession({ channel: 'api', peerId: 'long-history' });
    for (let i = 1; i <= 110; i++) await env.client.sendMessage(s.id, { text: `old message ${i}`, wait: true });
    const all = (await env.client.listMessages(s.id)).messages;
    expect(all.length).toBeGreaterThan(200);

    await page.goto(`${env.webUrl}/chat/${s.id}`);
    await page.getByText('old message 110', { exact: true }).waitFor();
    expect(await page.getByText('old message 1', { exact: true }).count()).toBe(0);
    const button = page.getByTestId('load-earlier');
    await button.scrollIntoViewIfNeeded();
    // The earliest message on screen before loading, and where it sits in the viewport.
    const firstShown = all[all.length - 200];
    const marker = page.locator(`[data-message-id="${firstShown.id}"]`);
    const before = (await marker.boundingBox())!.y;
    await button.click();
    await page.getByText('old message 1', { exact: true }).waitFor();
    expect(await page.getByTestId('load-earlier').count()).toBe(0);
    expect(await page.locator('.transcript [data-message-id]').count()).toBe(all.length);
    // The view did not jump: the message that was on screen is still where it was.
    expect(Math.abs((await marker.boundingBox())!.y - before)).toBeLessThan(4);
    await env.shot(page, '12-earlier-history');
  });

  it('renders a 10,000-token streamed reply without re-rendering the transcript', async () => {
    const words = Array.from({ length: 10_000 }, (_, i) => (i % 120 === 119 ? 'end.\n\n' : 'word ')).join('');
    env.fake.addRule({ match: 'ten thousand', reply: words, firstTokenDelayMs: 50, chunkDelayMs: 1 });
    await newConversation(env, page);
    await send(page, 'warm up');
    await lastReply(page).filter({ hasText: 'Echo: warm up' }).waitFor();
    // Watch the earlier messages for any DOM change, and the main thread for long tasks.
    await page.evaluate(() => {
      const w = window as unknown as { __mut: number; __long: number[] };
      w.__mut = 0;
      w.__long = [];
      const earlier = document.querySelectorAll('.transcript__content > *');
      const mo = new MutationObserver((records) => (w.__mut += records.length));
      earlier.forEach((el) => mo.observe(el, { subtree: true, childList: true, characterData: true, attributes: true }));
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask', buffered: false });
    });
    await send(page, 'ten thousand');
    await page.locator('[data-streaming="true"]').waitFor();
    await page.locator('article.msg--assistant:not([data-status="streaming"])').nth(1).waitFor({ timeout: 60_000 });
    const stats = await page.evaluate(() => {
      const w = window as unknown as { __mut: number; __long: number[] };
      return { mutations: w.__mut, longTasks: w.__long.length, worst: Math.max(0, ...w.__long) };
    });
    console.log(`10,000-token stream: ${stats.longTasks} long tasks, worst ${Math.round(stats.worst)} ms; earlier messages mutated ${stats.mutations} times`);
    expect(stats.mutations).toBe(0);
    expect(stats.worst).toBeLessThan(500);
  });

  it('reconnects after the dashboard server restarts mid-reply, and loses none of the reply', async () => {
    const reply = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} of a reply that outlives its connection.`).join(' ');
    env.fake.addRule({ match: 'survive a restart', reply, firstTokenDelayMs: 100, chunkDelayMs: 20 });
    await newConversation(env, page);
    await send(page, 'survive a restart');
    await page.locator('[data-streaming="true"]').waitFor();
    await env.restartWeb();
    await page.getByRole('status', { name: /Live updates: Live/ }).waitFor({ timeout: 20_000 });
    const done = page.locator('article.msg--assistant:not([data-status="streaming"])').last();
    await done.waitFor({ timeout: 30_000 });
    expect((await done.locator('.md-doc').textContent())?.trim()).toBe(reply);
  });

  it('shows a clear screen when the API is unreachable', async () => {
    await env.stopApi();
    await page.goto(env.webUrl + '/chat');
    await page.getByRole('heading', { name: 'Can’t reach the Switchboard API' }).waitFor();
    await env.shot(page, '11-api-unreachable');
    const fresh = await env.newPage();
    await env.context.clearCookies();
    await fresh.goto(env.webUrl + '/signin');
    await fresh.getByRole('heading', { name: 'Can’t reach the Switchboard API' }).waitFor();
    await fresh.close();
  });
});
