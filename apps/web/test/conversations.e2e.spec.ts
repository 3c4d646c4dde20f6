/**
 * Conversations in the dashboard, end to end: headless Chromium against the real built web app
 * and API (fake LLM). New stores nothing until the first message; rename, pin, archive, delete
 * and bulk actions from the list; search finds message text and opens the conversation at the
 * match; export (Markdown, JSON, everything) and import in Settings; the tab names the conversation.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Session } from '@switchboard/protocol';
import { axeSerious, until, startWebTestEnv, type WebTestEnv } from './web-harness';

jest.setTimeout(180_000);

describe('conversations in the dashboard (e2e, headless Chromium)', () => {
  let env: WebTestEnv;
  let page: Page;

  beforeAll(async () => {
    env = await startWebTestEnv();
    page = await env.newPage({ width: 1366, height: 850 });
    await env.signIn(page);
  });
  afterAll(async () => {
    await env?.close();
  });

  const allSessions = async () => (await env.client.listSessions({ archived: 'all', limit: 500 })).sessions;
  /** A web conversation with one exchange, made through the API. */
  async function conversation(text: string, title: string): Promise<Session> {
    const s = await env.client.createSession({ channel: 'web', title });
    await env.client.sendMessage(s.id, { text, wait: true });
    return env.client.getSession(s.id);
  }
  const row = (id: string) => page.locator(`[data-testid="conversation-row"][data-session-id="${id}"]`);

  it('"New" stores nothing until the first message; then the conversation opens, in its project, named in the tab', async () => {
    const before = (await allSessions()).length;
    await page.goto(env.webUrl + '/chat');
    await page.getByTestId('new-chat').click();
    await page.waitForURL(/\/chat\/new$/);
    await page.getByLabel('Message', { exact: true }).waitFor();
    // Leaving and coming back leaves nothing behind.
    await page.goto(env.webUrl + '/chat');
    await page.getByTestId('new-chat').click();
    await page.waitForURL(/\/chat\/new$/);
    expect((await allSessions()).length).toBe(before);

    await page.getByTestId('new-options-toggle').click();
    await page.getByTestId('new-project').fill('garden');
    await env.shot(page, 'conversations-01-new');
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('Which tomatoes grow well on a balcony?');
    await box.press('Enter');
    await page.waitForURL(/\/chat\/(?!new)[^/]+$/);
    const id = page.url().split('/').pop()!;
    await page.locator('article.msg--assistant').filter({ hasText: 'Echo: Which tomatoes' }).waitFor();
    expect(await page.getByTestId('conversation-project').textContent()).toContain('garden');
    const stored = await env.client.getSession(id);
    expect(stored).toMatchObject({ channel: 'web', projectId: 'garden' });
    expect((await allSessions()).length).toBe(before + 1);
    await until(() => page.title(), (t) => t.endsWith('· Switchboard') && !t.startsWith('Chat'), 'a tab title naming the conversation');
    expect(await page.title()).toBe(`${(await env.client.getSession(id)).title ?? 'New conversation'} · Switchboard`);
  });

  it('renames inline (Enter saves, Escape cancels), pins first, archives to the Archived view and back', async () => {
    const a = await conversation('first topic', 'Alpha');
    const b = await conversation('second topic', 'Beta');
    await page.goto(env.webUrl + '/chat');
    await row(b.id).waitFor();

    await row(a.id).hover();
    await row(a.id).getByTestId('conversation-menu').click();
    await page.getByTestId('menu-rename').click();
    const input = row(a.id).getByTestId('rename-input');
    await input.fill('Not this');
    await input.press('Escape');
    expect((await env.client.getSession(a.id)).title).toBe('Alpha');
    await row(a.id).getByTestId('conversation-menu').click();
    await page.getByTestId('menu-rename').click();
    await row(a.id).getByTestId('rename-input').fill('Alpha renamed');
    await row(a.id).getByTestId('rename-input').press('Enter');
    await row(a.id).locator('.convo__title', { hasText: 'Alpha renamed' }).waitFor();
    expect((await env.client.getSession(a.id)).title).toBe('Alpha renamed');

    // Pinned first, though Beta is newer.
    await row(a.id).getByTestId('conversation-menu').click();
    await page.getByTestId('menu-pin').click();
    await until(() => page.locator('[data-testid="conversation-row"]').first().getAttribute('data-session-id'), (v) => v === a.id, 'the pinned conversation first');
    expect((await env.client.getSession(a.id)).pinned).toBe(true);
    await env.shot(page, 'conversations-02-pinned');

    await row(b.id).getByTestId('conversation-menu').click();
    await page.getByTestId('menu-archive').click();
    await row(b.id).waitFor({ state: 'detached' });
    expect((await env.client.getSession(b.id)).archived).toBe(true);
    await page.getByTestId('archived-view').click();
    await row(b.id).waitFor();
    await row(b.id).getByTestId('conversation-menu').click();
    await page.getByTestId('menu-archive').click(); // "Unarchive" here
    await row(b.id).waitFor({ state: 'detached' });
    await page.getByTestId('archived-view').click();
    await row(b.id).waitFor();
    expect((await env.client.getSession(b.id)).archived).toBe(false);
  });

  it('deletes after a confirmation, and in bulk (select all the shown ones, archive, delete)', async () => {
    const gone = await conversation('delete me', 'To delete');
    await page.goto(env.webUrl + '/chat');
    await row(gone.id).hover();
    await row(gone.id).getByTestId('conversation-menu').click();
    await page.getByTestId('menu-delete').click();
    await row(gone.id).getByRole('button', { name: 'Cancel' }).click();
    expect((await env.client.getSession(gone.id)).id).toBe(gone.id);
    await row(gone.id).getByTestId('conversation-menu').click();
    await page.getByTestId('menu-delete').click();
    await row(gone.id).getByTestId('confirm-delete').click();
    await row(gone.id).waitFor({ state: 'detached' });
    await expect(env.client.getSession(gone.id)).rejects.toMatchObject({ status: 404 });

    const x = await conversation('bulk one', 'Bulk one');
    const y = await conversation('bulk two', 'Bulk two');
    await page.getByTestId('conversation-search').fill('Bulk');
    await row(y.id).waitFor();
    await page.getByTestId('select-mode').click();
    await page.getByLabel('Select all').check();
    await env.shot(page, 'conversations-03-bulk');
    await page.getByTestId('bulk-archive').click();
    await row(x.id).waitFor({ state: 'detached' });
    expect((await env.client.getSession(x.id)).archived).toBe(true);
    expect((await env.client.getSession(y.id)).archived).toBe(true);

    await page.getByTestId('archived-view').click();
    await row(x.id).waitFor();
    await page.getByTestId('select-mode').click();
    await row(x.id).getByLabel('Select Bulk one').check();
    await row(y.id).getByLabel('Select Bulk two').check();
    await page.getByTestId('bulk-delete').click();
    await page.getByTestId('bulk-delete-confirm').click();
    await row(x.id).waitFor({ state: 'detached' });
    await expect(env.client.getSession(y.id)).rejects.toMatchObject({ status: 404 });
    await page.getByTestId('archived-view').click();
    await page.getByTestId('conversation-search').fill('');
  });

  it('search finds message text with highlighted snippets and opens the conversation at the match', async () => {
    const france = await conversation('What is the capital of France?', 'Geography homework');
    // Push the match out of view: a longer history after it.
    for (let i = 0; i < 12; i++) await env.client.sendMessage(france.id, { text: `Filler message number ${i} with enough words to take a line.`, wait: true });
    await conversation('Something else entirely', 'Other');
    await page.goto(env.webUrl + '/chat');
    await page.getByTestId('conversation-search').fill('capital of fra');
    const hit = page.getByTestId('search-results').locator(`[data-session-id="${france.id}"]`);
    await hit.waitFor();
    expect((await hit.locator('mark').allTextContents()).join(' ').toLowerCase()).toContain('capital');
    expect(await page.getByTestId('search-results').locator('[data-session-id]').count()).toBe(1);
    await env.shot(page, 'conversations-04-search');
    await hit.click();
    await page.waitForURL(new RegExp(`/chat/${france.id}\\?m=`));
    const target = page.locator('[data-search-hit="true"]');
    await target.waitFor();
    expect(await target.textContent()).toContain('capital of France');
    await until(() => target.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }), Boolean, 'the match in view');
    await env.shot(page, 'conversations-05-search-opened');

    // A match older than the 200 messages a conversation opens on: earlier pages load until it shows.
    const long = await conversation('Where do flamingos sleep?', 'Long history');
    for (let i = 0; i < 105; i++) await env.client.sendMessage(long.id, { text: `Later message ${i}`, wait: true });
    await page.goto(env.webUrl + '/chat');
    await page.getByTestId('conversation-search').fill('flamingos');
    await page.getByTestId('search-results').locator(`[data-session-id="${long.id}"]`).click();
    const old = page.locator('[data-search-hit="true"]');
    await old.waitFor({ timeout: 20_000 });
    expect(await old.textContent()).toContain('Where do flamingos sleep?');
  });

  it('exports a conversation as Markdown and JSON from its menu, and everything from Settings; importing it back adds nothing twice', async () => {
    const s = await conversation('Plan a picnic in Lisbon', 'Picnic');
    await page.goto(`${env.webUrl}/chat/${s.id}`);
    await page.getByTestId('conversation-actions').click();
    const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('menu-export-markdown').click()]);
    expect(md.suggestedFilename()).toBe('picnic.md');
    const mdText = readFileSync((await md.path())!, 'utf8');
    expect(mdText).toMatch(/^# Picnic\n/);
    expect(mdText).toContain('Echo: Plan a picnic in Lisbon');
    await page.getByTestId('conversation-actions').click();
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('menu-export-json').click()]);
    expect(JSON.parse(readFileSync((await json.path())!, 'utf8')).session.id).toBe(s.id);

    await page.goto(`${env.webUrl}/settings`);
    await page.getByTestId('conversation-archive').waitFor();
    const [all] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-all').click()]);
    const file = (await all.path())!;
    const archive = JSON.parse(readFileSync(file, 'utf8'));
    expect(archive).toMatchObject({ kind: 'switchboard.archive', version: 1 });
    expect(archive.sessions.map((x: { session: Session }) => x.session.id)).toContain(s.id);

    // Re-import into this install: every conversation is already here.
    await page.getByTestId('import-file').setInputFiles(file);
    await until(() => page.getByTestId('import-result').textContent().catch(() => ''), (t) => /imported/.test(t ?? ''), 'the import result');
    expect(await page.getByTestId('import-result').textContent()).toContain(`0 conversations imported (0 messages); ${archive.sessions.length} already here, skipped.`);

    // A file with one new conversation in it is taken.
    const copy = structuredClone(archive.sessions.find((x: { session: Session }) => x.session.id === s.id));
    copy.session.id = 'imported-from-elsewhere';
    copy.session.peerId = 'elsewhere-1';
    await page.getByTestId('import-file').setInputFiles({ name: 'one.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...archive, sessions: [copy] })) });
    await until(() => page.getByTestId('import-result').textContent().catch(() => ''), (t) => /1 conversation imported/.test(t ?? ''), 'the second import result');
    expect((await env.client.getSession('imported-from-elsewhere')).title).toBe('Picnic');

    await page.getByTestId('import-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"kind":"nope"}') });
    await until(() => page.getByTestId('import-result').textContent().catch(() => ''), (t) => /Nothing was imported/.test(t ?? ''), 'the refusal');
    await env.shot(page, 'conversations-06-settings-import');
  });

  it('works on a phone: the list, the menu and search fit the screen', async () => {
    const phone = await env.newPage({ width: 390, height: 844, dark: true });
    const s = await conversation('Phone sized capital question', 'Phone check');
    await phone.goto(env.webUrl + '/chat');
    await phone.locator(`[data-testid="conversation-row"][data-session-id="${s.id}"]`).waitFor();
    await phone.locator(`[data-testid="conversation-row"][data-session-id="${s.id}"]`).getByTestId('conversation-menu').click();
    await phone.getByTestId('menu-rename').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await env.shot(phone, 'conversations-07-phone-menu');
    await phone.keyboard.press('Escape');
    await phone.getByTestId('conversation-search').fill('phone sized');
    await phone.getByTestId('search-results').locator(`[data-session-id="${s.id}"]`).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await env.shot(phone, 'conversations-08-phone-search');
    await phone.getByTestId('search-results').locator(`[data-session-id="${s.id}"]`).click();
    await phone.getByTestId('conversation-actions').click();
    await phone.getByTestId('menu-export-json').waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await env.shot(phone, 'conversations-09-phone-header-menu');
    await phone.close();
  });

  it('passes axe-core (no serious or critical violation) with menus open, in select mode, with search results and on the new screen, light and dark, desktop and phone', async () => {
    const s = await conversation('An accessible capital question', 'Axe check');
    const problems: string[] = [];
    for (const dark of [false, true]) {
      for (const size of [{ width: 1366, height: 850 }, { width: 390, height: 844 }]) {
        const where = `${dark ? 'dark' : 'light'} ${size.width}`;
        const p = await env.newPage({ ...size, dark });
        await p.goto(env.webUrl + '/chat');
        const r = p.locator(`[data-testid="conversation-row"][data-session-id="${s.id}"]`);
        await r.getByTestId('conversation-menu').click();
        await p.getByTestId('menu-rename').waitFor();
        problems.push(...(await axeSerious(p)).map((line) => `${where} row menu: ${line}`));
        await p.keyboard.press('Escape');
        await p.getByTestId('select-mode').click();
        await r.getByRole('checkbox').check();
        problems.push(...(await axeSerious(p)).map((line) => `${where} select mode: ${line}`));
        await p.getByTestId('select-mode').click();
        await p.getByTestId('conversation-search').fill('accessible capital');
        await p.getByTestId('search-results').locator(`[data-session-id="${s.id}"]`).waitFor();
        problems.push(...(await axeSerious(p)).map((line) => `${where} search: ${line}`));
        if (dark && size.width > 500) await env.shot(p, 'conversations-12-desktop-dark-search');
        await p.goto(`${env.webUrl}/chat/${s.id}`);
        await p.getByTestId('conversation-actions').click();
        await p.getByTestId('menu-export-json').waitFor();
        problems.push(...(await axeSerious(p)).map((line) => `${where} conversation menu: ${line}`));
        await p.goto(env.webUrl + '/chat/new');
        await p.getByTestId('new-options-toggle').click();
        await p.getByTestId('new-project').waitFor();
        problems.push(...(await axeSerious(p)).map((line) => `${where} new: ${line}`));
        if (dark && size.width < 500) await env.shot(p, 'conversations-10-phone-new-dark');
        await p.close();
      }
    }
    expect(problems).toEqual([]);
  });

  it("shows who sent each message in a group conversation, and no name in a private one", async () => {
    await env.client.addApprovedUser('telegram', { userId: '7770001', displayName: 'Ann Member' });
    await env.client.addApprovedUser('telegram', { userId: '7770002', displayName: 'Bo Member' });
    const group = await env.client.createSession({ channel: 'telegram', peerId: '-100777', group: '-100777', title: 'Family group' });
    await env.client.sendMessage(group.id, { text: 'Hello from Ann', sender: { peerId: '7770001' }, wait: true });
    await env.client.sendMessage(group.id, { text: 'And Bo here', sender: { peerId: '7770002' }, wait: true });
    await page.goto(`${env.webUrl}/chat/${group.id}`);
    const names = page.getByTestId('sender-name');
    // The names arrive with the people list ("Member" until then).
    await until(() => names.allTextContents(), (t) => t.length === 2 && !t.includes('Member'), 'two sender names');
    expect(await names.allTextContents()).toEqual(['Ann Member', 'Bo Member']);
    await env.shot(page, 'conversations-11-group-senders');

    const single = await conversation('Just me', 'Private');
    await page.goto(`${env.webUrl}/chat/${single.id}`);
    await page.locator('article.msg--assistant').filter({ hasText: 'Echo: Just me' }).waitFor();
    expect(await page.getByTestId('sender-name').count()).toBe(0);
  });
});
