/**
 * The dashboard's other pages end to end (headless Chromium, the real built web app and API, the
 * fake LLM): the Jobs page, no sideways scrolling at phone widths on every page, and an axe-core
 * accessibility audit of every page in both themes at desktop and phone sizes.
 */
import type { Page } from 'playwright-core';
import { axeSerious, startWebTestEnv, type WebTestEnv } from './web-harness';

jest.setTimeout(240_000);

describe('jobs, phone widths and accessibility (e2e, headless Chromium)', () => {
  let env: WebTestEnv;
  let chatWithMessages: string;

  beforeAll(async () => {
    env = await startWebTestEnv();
    const s = await env.client.createSession({ channel: 'web', peerId: `pages-${Date.now()}`, title: 'Trip planning' });
    await env.client.sendMessage(s.id, { text: 'What is the capital of France?', wait: true });
    await env.client.sendMessage(s.id, { text: 'And of Italy?', wait: true });
    chatWithMessages = s.id;
  });
  afterAll(async () => {
    await env?.close();
  });
  beforeEach(() => env.fake.reset());

  /** Signs in unless the browser already is (the context keeps its cookies between pages). */
  async function openSignedIn(page: Page): Promise<void> {
    await page.goto(env.webUrl + '/chat');
    if (new URL(page.url()).pathname.startsWith('/signin')) await env.signIn(page);
  }

  /** Every signed-in page, with something to wait for once it has loaded. */
  const pages = (): Array<{ name: string; path: string; ready: (p: Page) => Promise<unknown> }> => [
    { name: 'chat', path: '/chat', ready: (p) => p.getByTestId('new-chat').waitFor() },
    { name: 'conversation', path: `/chat/${chatWithMessages}`, ready: (p) => p.locator('article.msg--assistant').first().waitFor() },
    { name: 'memory', path: '/memory', ready: (p) => p.getByRole('heading', { name: 'Memory', level: 1 }).waitFor() },
    { name: 'people', path: '/people', ready: (p) => p.locator('[data-person-id]').first().waitFor() },
    { name: 'usage', path: '/usage', ready: (p) => p.getByRole('heading', { name: 'Usage', level: 1 }).waitFor() },
    { name: 'jobs', path: '/jobs', ready: (p) => p.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor() },
    { name: 'settings', path: '/settings', ready: (p) => p.getByRole('heading', { name: 'Model catalog' }).waitFor() },
  ];

  it('jobs: the empty state explains jobs; create (a bad cron is shown on its field), run now, and open the conversation it ran in', async () => {
    const page = await env.newPage({ width: 1366, height: 850 });
    await openSignedIn(page);
    await page.goto(env.webUrl + '/jobs');
    await page.getByRole('heading', { name: 'No scheduled jobs yet' }).waitFor();
    await env.shot(page, 'jobs-01-empty');

    await page.getByRole('button', { name: 'New job' }).click();
    await page.getByLabel('Name').fill('morning-brief');
    await page.getByLabel('Cron', { exact: true }).fill('99 99 * * *');
    await page.getByLabel('Prompt').fill('Give me a short brief for today.');
    await page.getByRole('button', { name: 'Create job' }).click();
    const cronError = page.locator('.field-error').filter({ hasText: /cron/i });
    await cronError.waitFor();
    expect(await page.getByLabel('Cron', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await env.client.listJobs()).jobs).toHaveLength(0);
    await env.shot(page, 'jobs-02-field-error');

    await page.getByLabel('Cron', { exact: true }).fill('30 8 * * 1-5');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Create job' }).click();
    const card = page.locator('[data-job="morning-brief"]');
    await card.waitFor();
    expect(await card.textContent()).toContain('Monday to Friday at 08:30 (Europe/Paris)');
    expect(await card.getByTestId('last-run').textContent()).toBe('never');
    const [job] = (await env.client.listJobs()).jobs;
    expect(job).toMatchObject({ name: 'morning-brief', cron: '30 8 * * 1-5', timezone: 'Europe/Paris', source: 'api', enabled: true, lastRunAt: null });

    await card.getByRole('button', { name: 'Run now' }).click();
    await card.getByRole('status').filter({ hasText: 'Started' }).waitFor();
    await card.getByTestId('last-run').locator('.pill--ok').waitFor({ timeout: 30_000 });
    const link = card.getByRole('link', { name: /morning-brief/ }).first();
    await link.waitFor();
    await env.shot(page, 'jobs-03-ran');
    expect((await env.client.getJob(job.id)).lastStatus).toBe('ok');

    // Run it again: both runs are listed, newest first, each with a link to the conversation it used.
    const runs = card.getByTestId('job-runs').locator('li');
    await runs.first().locator('.pill--ok').waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Run now' }).click();
    await card.getByTestId('job-runs').locator('li:nth-child(2) .pill--ok').waitFor({ timeout: 30_000 });
    await runs.nth(0).locator('.pill--ok').waitFor({ timeout: 30_000 });
    expect(await runs.count()).toBe(2);
    const apiRuns = (await env.client.listJobRuns(job.id)).runs;
    expect(apiRuns.map((r) => [r.status, r.trigger])).toEqual([
      ['ok', 'manual'],
      ['ok', 'manual'],
    ]);
    const runLinks = card.getByTestId('job-runs').getByRole('link', { name: /Conversation of the run/ });
    expect(await runLinks.count()).toBe(2);
    for (const [i, run] of apiRuns.entries()) expect(await runLinks.nth(i).getAttribute('href')).toBe(`/chat/${run.sessionId}`);
    await env.shot(page, 'jobs-04-runs');

    await link.click();
    await page.waitForURL(/\/chat\/[^/]+$/);
    const sessionId = page.url().split('/').pop()!;
    const { messages } = await env.client.listMessages(sessionId);
    expect(messages.find((m) => m.role === 'user')?.content).toBe('Give me a short brief for today.');
    await page.getByText('Give me a short brief for today.').first().waitFor();

    // Edit: switch to an interval.
    await page.goto(env.webUrl + '/jobs');
    await card.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('radio', { name: 'Every N seconds' }).check();
    await page.getByLabel('Seconds between runs').fill('900');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('every 15 minutes').waitFor();
    expect(await env.client.getJob(job.id)).toMatchObject({ everySeconds: 900, cron: null, timezone: null });

    // Disable, then delete with a confirmation.
    await card.getByRole('button', { name: 'Disable' }).click();
    await card.getByText('not while disabled').waitFor();
    expect((await env.client.getJob(job.id)).enabled).toBe(false);
    await card.getByRole('button', { name: 'Delete…' }).click();
    await card.getByRole('button', { name: 'Delete “morning-brief”' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await env.client.listJobs()).jobs).toHaveLength(0);
    await page.close();
  });

  it('settings: the system prompt and agents are shown read-only with where to change them; providers say when they last answered', async () => {
    const page = await env.newPage({ width: 1366, height: 850 });
    await openSignedIn(page);
    await page.goto(env.webUrl + '/settings');
    const assistant = page.getByRole('region', { name: 'System prompt and agents' });
    await assistant.getByTestId('system-prompt').waitFor();
    expect(await assistant.getByTestId('system-prompt').textContent()).toBe((await env.client.getAssistantConfig()).systemPrompt);
    expect(await assistant.textContent()).toContain('Change systemPrompt and agents in that file');
    const providers = page.getByRole('region', { name: 'Providers' });
    await providers.getByTestId('provider-health').filter({ hasText: 'answered' }).first().waitFor();
    const status = await env.client.getProviderStatus();
    expect(status.providers.find((p) => p.id === 'fake')).toMatchObject({ state: 'ok' });
    await env.shot(page, 'settings-assistant-providers');
    await page.close();
  });

  it('memory: Escape cancels, Shift+Enter is a newline, Enter saves and shows who edited it; an unsaved edit survives leaving the page', async () => {
    const created = (await env.client.createMemory({ content: 'The user likes green tea.', scope: 'person', personId: 'owner' })).memory!;
    const page = await env.newPage({ width: 1366, height: 850 });
    await openSignedIn(page);
    await page.goto(env.webUrl + '/memory');
    const card = page.locator(`[data-memory-id="${created.id}"]`);
    await card.waitFor();
    expect(await card.getByTestId('memory-edited').count()).toBe(0);

    await card.getByRole('button', { name: 'Edit memory' }).click();
    const box = card.getByLabel('Memory text');
    await box.fill('Something else entirely.');
    await box.press('Escape');
    await box.waitFor({ state: 'detached' });
    expect(await card.locator('.memory__text').textContent()).toBe('The user likes green tea.');
    expect((await env.client.listMemories({ personId: 'owner' })).memories.find((m) => m.id === created.id)?.content).toBe('The user likes green tea.');

    await card.getByRole('button', { name: 'Edit memory' }).click();
    await box.fill('The user likes green tea,');
    await box.press('Shift+Enter');
    await box.pressSequentially('unsweetened.');
    expect(await box.inputValue()).toBe('The user likes green tea,\nunsweetened.');
    await box.press('Enter');
    await card.getByTestId('memory-edited').filter({ hasText: 'edited by You' }).waitFor();
    const saved = (await env.client.listMemories({ personId: 'owner' })).memories.find((m) => m.id === created.id)!;
    expect(saved.content).toMatch(/^The user likes green tea,\s+unsweetened\.$/);
    expect(saved.editedBy).toBe('owner');
    await env.shot(page, 'memory-edited');

    // An unsaved edit: go to another page and back, and it is still there.
    await card.getByRole('button', { name: 'Edit memory' }).click();
    await box.fill('A draft I have not saved.');
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL(/\/usage/);
    await page.getByRole('link', { name: 'Memory' }).click();
    await card.getByLabel('Memory text').waitFor();
    expect(await card.getByLabel('Memory text').inputValue()).toBe('A draft I have not saved.');
    expect(await card.textContent()).toContain('Unsaved edit kept from before');
    await card.getByLabel('Memory text').press('Escape');
    await page.close();
  });

  it('usage: date range and channel filters reach the API; tokens per day as bars with the table beside; an empty state that says why', async () => {
    const page = await env.newPage({ width: 1366, height: 850 });
    await openSignedIn(page);
    await page.goto(env.webUrl + '/usage');
    const calls = async () => Number(/^(\d+) model calls/.exec((await page.getByTestId('usage-totals').locator('.stat__sub').first().textContent()) ?? '')?.[1]);
    await page.getByTestId('usage-totals').filter({ hasText: 'model calls' }).waitFor();
    expect(await calls()).toBe((await env.client.getUsageReport({})).total.calls);

    await page.getByRole('button', { name: '7 days' }).click();
    await page.locator('.daychart__col').nth(6).waitFor();
    expect(await page.locator('.daychart__col').count()).toBe(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.getByTestId('usage-by-day').locator('tbody tr').first().textContent()).toContain(today);
    expect(await page.getByRole('img', { name: /Tokens per day from/ }).count()).toBe(1);
    await env.shot(page, 'usage-7-days');

    await page.getByLabel('Channel').selectOption('web');
    const web = (await env.client.getUsageReport({ channel: 'web', from: today })).total.calls;
    await page.waitForFunction((n) => document.querySelector('[data-testid="usage-totals"] .stat__sub')?.textContent?.startsWith(`${n} model calls`), web);

    await page.getByLabel('Channel').selectOption('telegram');
    await page.getByTestId('usage-empty').filter({ hasText: 'No model calls match these filters' }).waitFor();
    await env.shot(page, 'usage-empty-filtered');

    await page.getByLabel('Channel').selectOption('');
    await page.getByRole('button', { name: 'Custom' }).click();
    await page.getByLabel('From', { exact: true }).fill('2030-01-01');
    await page.getByTestId('usage-empty').waitFor();
    await page.close();
  });

  it('no page scrolls sideways at 360, 390 and 430 px', async () => {
    const wide: string[] = [];
    for (const width of [360, 390, 430]) {
      const page = await env.newPage({ width, height: 844 });
      await openSignedIn(page);
      for (const p of pages()) {
        await page.goto(env.webUrl + p.path);
        await p.ready(page);
        const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
        if (m.scroll > m.inner) wide.push(`${p.name} at ${width}px: scrollWidth ${m.scroll} > ${m.inner}`);
        if (width === 390) await env.shot(page, `phone-${p.name}`);
      }
      // The conversation header's model button with its list open, and queue items under a streaming reply.
      await page.goto(`${env.webUrl}/chat/${chatWithMessages}`);
      await page.getByTestId('model-picker').click();
      await page.getByRole('listbox').waitFor();
      const picker = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      if (picker.scroll > picker.inner) wide.push(`model picker open at ${width}px: scrollWidth ${picker.scroll} > ${picker.inner}`);
      expect(await page.getByTestId('model-source').isVisible()).toBe(true);
      if (width === 360) await env.shot(page, 'phone-360-model-picker');
      await page.keyboard.press('Escape');

      const busy = await env.client.createSession({ channel: 'web', peerId: `queue-${width}-${Date.now()}` });
      env.fake.addRule({ match: 'slow for the queue', reply: 'Slowly. '.repeat(80), firstTokenDelayMs: 100, chunkDelayMs: 60 });
      await env.client.sendMessage(busy.id, { text: 'slow for the queue' });
      await env.client.sendMessage(busy.id, { text: 'A queued message with a rather long text that has to wrap on a narrow phone screen without pushing the page sideways: https://example.com/a/very/long/path/that/does/not/break' });
      await page.goto(`${env.webUrl}/chat/${busy.id}`);
      await page.locator('.queue__item').first().waitFor();
      const queue = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      if (queue.scroll > queue.inner) wide.push(`queue at ${width}px: scrollWidth ${queue.scroll} > ${queue.inner}`);
      if (width === 360) await env.shot(page, 'phone-360-queue');
      await env.client.abort(busy.id).catch(() => undefined);
      await page.close();
    }
    expect(wide).toEqual([]);
  });

  it('axe-core finds no serious or critical violation on any page, light and dark, desktop and phone', async () => {
    const problems: string[] = [];
    for (const dark of [false, true]) {
      for (const size of [
        { width: 1366, height: 850 },
        { width: 390, height: 844 },
      ]) {
        const page = await env.newPage({ ...size, dark });
        const where = `${dark ? 'dark' : 'light'} ${size.width}px`;
        await env.context.clearCookies();
        await page.goto(env.webUrl + '/signin');
        await page.getByLabel('API token').waitFor();
        for (const v of await axeSerious(page)) problems.push(`signin ${where}: ${v}`);
        await env.signIn(page);
        for (const p of pages()) {
          await page.goto(env.webUrl + p.path);
          await p.ready(page);
          for (const v of await axeSerious(page)) problems.push(`${p.name} ${where}: ${v}`);
          if (dark) await env.shot(page, `dark-${size.width}-${p.name}`);
        }
        await page.close();
      }
    }
    expect(problems).toEqual([]);
  });
});
