/**
 * Acting on messages in the dashboard, end to end (headless Chromium, the built web app and API,
 * the fake LLM): a failed reply in words with Retry after the provider recovers, regenerate with
 * another model, edit and resend with the archive, copy, the slash menu by keyboard, Esc stops a
 * reply, Jump to latest, the shortcuts overlay, a command shown before the reply it produced.
 */
import type { Page } from 'playwright-core';
import { COMMANDS } from '@switchboard/session';
import { axeSerious, until, startWebTestEnv, type WebTestEnv } from './web-harness';

jest.setTimeout(120_000);

describe('message actions in the dashboard (e2e, headless Chromium)', () => {
  let env: WebTestEnv;
  let page: Page;
  let n = 0;

  beforeAll(async () => {
    env = await startWebTestEnv();
    page = await env.newPage({ width: 1366, height: 850 });
    await env.signIn(page);
  });
  afterAll(async () => {
    await env?.close();
  });
  beforeEach(() => env.fake.reset());

  /** A fresh web conversation, opened (created through the API so the list's New flow is not under test here). */
  async function open(): Promise<string> {
    const s = await env.client.createSession({ channel: 'web', peerId: `web-messages-${++n}-${Date.now()}` });
    await page.goto(`${env.webUrl}/chat/${s.id}`);
    await page.getByLabel('Message', { exact: true }).waitFor();
    return s.id;
  }

  async function send(text: string): Promise<void> {
    const box = page.getByLabel('Message', { exact: true });
    await box.fill(text);
    await box.press('Enter');
  }

  const replies = () => page.locator('article.msg--assistant');

  it('the composer has focus when a conversation opens', async () => {
    await open();
    await until(() => page.evaluate(() => document.activeElement?.id ?? ''), (id) => id === 'composer-input', 'the composer focused');
  });

  it('a failed reply says what went wrong in words, with Retry; after the provider recovers Retry answers and the failed attempt is archived', async () => {
    const id = await open();
    env.fake.addRule({ status: 401 });
    await send('what is the capital of France');
    const error = page.getByTestId('reply-error');
    await error.waitFor();
    expect(await error.getAttribute('data-error-kind')).toBe('auth');
    expect(await error.textContent()).toContain('Fake Main refused the API key');
    // No raw provider line on its own in the transcript: the technical detail is folded away.
    expect(await page.locator('.event[data-kind="turn_error"]').count()).toBe(0);
    expect(await error.locator('details').getAttribute('open')).toBeNull();
    await env.shot(page, 'messages-01-failed-reply');

    env.fake.clearRules();
    await page.getByTestId('retry-message').click();
    await replies().filter({ hasText: 'Echo: what is the capital of France' }).waitFor();
    const archived = page.getByTestId('archived-run');
    await archived.waitFor();
    expect(await archived.textContent()).toContain('Earlier attempt');
    expect(await page.getByTestId('reply-error').isVisible()).toBe(false); // only in the folded archive
    await archived.locator(':scope > summary').click();
    await archived.getByTestId('reply-error').waitFor();
    await env.shot(page, 'messages-02-retried');
    const { messages } = await env.client.listMessages(id);
    expect(messages.filter((m) => m.status === 'superseded').length).toBeGreaterThanOrEqual(2);
  });

  it('regenerates the latest reply with another model, and copies a reply as Markdown', async () => {
    await open();
    env.fake.addRule({ match: 'pick a colour', reply: '**Blue**, I think.', times: 1 });
    await send('pick a colour');
    const first = replies().filter({ hasText: 'Blue, I think.' });
    await first.waitFor();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.webUrl });
    await first.hover();
    await first.getByTestId('copy-message').click();
    await first.getByRole('button', { name: 'Copied as Markdown' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('**Blue**, I think.');

    await first.getByTestId('retry-with-model').selectOption({ label: 'Fake Quick' });
    const again = replies().filter({ hasText: 'Echo: pick a colour' });
    await again.waitFor();
    await again.getByTestId('message-model').filter({ hasText: 'Fake Quick' }).waitFor();
    await page.getByTestId('archived-run').waitFor();
    expect(await page.getByTestId('archived-run').count()).toBe(1);
    expect(await replies().filter({ hasText: 'Blue, I think.' }).isVisible()).toBe(false); // folded in the archive
  });

  it('edits and resends a message: the conversation continues from it; the later turns are kept in an archive', async () => {
    const id = await open();
    await send('one');
    await replies().filter({ hasText: 'Echo: one' }).waitFor();
    await send('two');
    await replies().filter({ hasText: 'Echo: two' }).waitFor();
    await send('three');
    await replies().filter({ hasText: 'Echo: three' }).waitFor();

    const two = page.locator('.msg--user').filter({ hasText: /^two/ });
    await two.hover();
    await two.getByTestId('edit-message').click();
    const box = page.getByTestId('edit-box').locator('textarea');
    await box.waitFor();
    // Esc cancels, nothing sent.
    await box.press('Escape');
    await until(() => page.getByTestId('edit-box').count(), (c) => c === 0, 'the edit box closed');
    await two.hover();
    await two.getByTestId('edit-message').click();
    await box.fill('two, edited');
    await env.shot(page, 'messages-03-editing');
    await box.press('Enter');
    await replies().filter({ hasText: 'Echo: two, edited' }).waitFor();
    const archive = page.getByTestId('archived-run');
    await archive.waitFor();
    expect(await archive.textContent()).toContain('4 messages replaced by an edit');
    await archive.locator(':scope > summary').click();
    expect(await archive.locator('.msg--user').allTextContents()).toEqual([expect.stringContaining('two'), expect.stringContaining('three')]);
    await env.shot(page, 'messages-04-edited');
    const live = (await env.client.listMessages(id)).messages.filter((m) => m.status !== 'superseded' && m.kind === 'text').map((m) => m.content);
    expect(live).toEqual(['one', 'Echo: one', 'two, edited', 'Echo: two, edited']);
  });

  it('the slash menu lists every command, filters as you type, and works with arrows, Tab and Enter', async () => {
    await open();
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('/');
    const menu = page.getByRole('listbox', { name: 'Commands' });
    await menu.waitFor();
    expect(await menu.getByRole('option').count()).toBe(COMMANDS.length);
    expect(await menu.textContent()).toContain('Summarise older messages to free up context');
    await env.shot(page, 'messages-05-slash-menu');
    await box.pressSequentially('us');
    await until(() => menu.getByRole('option').count(), (c) => c === 2, 'two matches for /us');
    await box.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe('slash-status');
    await box.press('ArrowUp');
    await box.press('Tab');
    expect(await box.inputValue()).toBe('/usage');
    await box.press('Enter');
    await page.locator('.msg--command-reply').filter({ hasText: 'Usage for this conversation' }).waitFor();
    await box.fill('/mod');
    await box.press('Enter');
    expect(await box.inputValue()).toBe('/model ');
    await box.pressSequentially('quick some text');
    await box.press('Enter');
    // The command shows before the reply it produced.
    await replies().filter({ hasText: 'Echo: some text' }).waitFor();
    const order = await page.locator('.transcript__content > *').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    const cmd = order.findIndex((t) => t.includes('/model quick some text'));
    const reply = order.findIndex((t) => t.includes('Echo: some text'));
    expect(cmd).toBeGreaterThanOrEqual(0);
    expect(cmd).toBeLessThan(reply);
    // Commands are transient, and the dashboard says so.
    expect(await page.locator('.msg--command-reply').first().textContent()).toContain('not saved');
  });

  it('Esc stops a streaming reply; Jump to latest appears when scrolled up during a stream', async () => {
    await open();
    env.fake.addRule({ match: 'long story', reply: 'A line of a long story.\n\n'.repeat(400), firstTokenDelayMs: 50, chunkDelayMs: 20 });
    await send('long story');
    await page.locator('[data-streaming="true"]').waitFor();
    await page.waitForTimeout(1500);
    await page.locator('.transcript').evaluate((el) => el.scrollTo({ top: 0 }));
    await page.getByTestId('jump-latest').waitFor();
    await env.shot(page, 'messages-06-jump-to-latest');
    await page.getByTestId('jump-latest').click();
    await until(
      () => page.locator('.transcript').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight),
      (d) => d < 120,
      'scrolled to the bottom',
    );
    await page.getByLabel('Message', { exact: true }).focus();
    await page.keyboard.press('Escape');
    const stopped = replies().last();
    await until(() => stopped.getAttribute('data-status'), (s) => s === 'interrupted', 'the reply stopped');
    await stopped.getByTestId('retry-message').waitFor();
  });

  it('? opens the shortcuts (not while typing); Esc closes it; Ctrl+K focuses search', async () => {
    await open();
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('');
    await box.press('Shift+Slash'); // "?" typed into the box
    expect(await box.inputValue()).toBe('?');
    expect(await page.getByTestId('help-overlay').count()).toBe(0);
    await box.fill('');
    await page.locator('.transcript').focus();
    await page.keyboard.press('Shift+Slash');
    const help = page.getByTestId('help-overlay');
    await help.waitFor();
    expect(await help.textContent()).toContain('Stop the reply being written');
    expect(await help.textContent()).toContain('New conversation');
    await env.shot(page, 'messages-07-help');
    await page.keyboard.press('Escape');
    await until(() => help.count(), (c) => c === 0, 'the help closed');
    await page.keyboard.press('Control+k');
    await until(
      () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.getAttribute('aria-label') ?? document.activeElement?.tagName ?? ''),
      (label) => /search/i.test(label),
      'the search box focused',
    );
    // On the list too: ? opens the shortcuts; Ctrl+Shift+O starts a conversation (the list's New).
    await page.goto(`${env.webUrl}/chat`);
    await page.getByTestId('new-chat').waitFor();
    await page.keyboard.press('Shift+Slash');
    await page.getByTestId('help-overlay').waitFor();
    await page.keyboard.press('Escape');
    await until(() => page.getByTestId('help-overlay').count(), (c) => c === 0, 'the help closed on the list');
    await page.keyboard.press('Control+Shift+O');
    await page.waitForURL(/\/chat\/new$/);
  });

  it('axe-core: no serious or critical violation with a failed reply, an open archive, the slash menu and the shortcuts, light and dark', async () => {
    const s = await env.client.createSession({ channel: 'web', peerId: `web-messages-axe-${Date.now()}` });
    env.fake.addRule({ status: 503 });
    const failed = await env.client.sendMessage(s.id, { text: 'a reply that fails', wait: true });
    env.fake.clearRules();
    await env.client.retryMessage(s.id, failed.reply!.id, { wait: true });
    await env.client.sendMessage(s.id, { text: 'and one that works', wait: true });
    env.fake.addRule({ status: 503 });
    await env.client.sendMessage(s.id, { text: 'fails at the end', wait: true });
    env.fake.clearRules();
    const problems: string[] = [];
    for (const dark of [false, true]) {
      for (const size of [
        { width: 1366, height: 850 },
        { width: 390, height: 844 },
      ]) {
        const p = await env.newPage({ ...size, dark });
        const where = `${dark ? 'dark' : 'light'} ${size.width}px`;
        await p.goto(`${env.webUrl}/chat/${s.id}`);
        await p.getByTestId('reply-error').last().waitFor();
        await p.getByTestId('archived-run').locator(':scope > summary').click();
        for (const v of await axeSerious(p)) problems.push(`conversation ${where}: ${v}`);
        const box = p.getByLabel('Message', { exact: true });
        await box.fill('/');
        await p.getByRole('listbox', { name: 'Commands' }).waitFor();
        for (const v of await axeSerious(p)) problems.push(`slash menu ${where}: ${v}`);
        await box.fill('');
        await p.locator('.transcript').focus();
        await p.keyboard.press('Shift+Slash');
        await p.getByTestId('help-overlay').waitFor();
        for (const v of await axeSerious(p)) problems.push(`shortcuts ${where}: ${v}`);
        if (dark && size.width === 1366) await env.shot(p, 'messages-09-dark-desktop-help');
        await p.keyboard.press('Escape');
        if (dark && size.width === 1366) await env.shot(p, 'messages-10-dark-desktop');
        if (!dark && size.width === 390) await env.shot(p, 'messages-11-light-phone');
        await p.close();
      }
    }
    expect(problems).toEqual([]);
  });

  it('looks right on a phone and in the dark theme', async () => {
    const s = await env.client.createSession({ channel: 'web', peerId: `web-messages-phone-${Date.now()}` });
    env.fake.addRule({ match: 'fails', status: 429 });
    await env.client.sendMessage(s.id, { text: 'this one fails first', wait: true });
    const phone = await env.newPage({ width: 390, height: 844, dark: true });
    await phone.goto(`${env.webUrl}/chat/${s.id}`);
    await phone.getByTestId('reply-error').waitFor();
    expect(await phone.getByTestId('reply-error').getAttribute('data-error-kind')).toBe('rate_limited');
    await phone.getByLabel('Message', { exact: true }).waitFor();
    await phone.locator('article.msg--assistant').first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await env.shot(phone, 'messages-08-phone-dark');
    await phone.close();
  });
});
