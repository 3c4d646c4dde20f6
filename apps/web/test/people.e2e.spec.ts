/**
 * People in the dashboard, end to end: headless Chromium against the real built web app and
 * API (fake LLM). The People page manages accounts and limits, the Memory page filters by
 * person, and the composer words a refusal by the limits.
 */
import type { Page } from 'playwright-core';
import { startWebTestEnv, type WebTestEnv } from './web-harness';

jest.setTimeout(90_000);

const MEMBER = { userId: '5551234', displayName: 'Ann Member' };

describe('people in the dashboard (e2e, headless Chromium)', () => {
  let env: WebTestEnv;
  let page: Page;

  beforeAll(async () => {
    env = await startWebTestEnv();
    page = await env.newPage({ width: 1366, height: 850 });
    await env.signIn(page);
    await env.client.setMemorySettings({ enabled: true, silent: true });
  });
  afterAll(async () => {
    await env?.close();
  });
  beforeEach(() => env.fake.reset());

  /** The member: an approved Telegram user is a person (their Telegram name as the display name). */
  async function member() {
    await env.client.addApprovedUser('telegram', { userId: MEMBER.userId, displayName: MEMBER.displayName });
    const { people } = await env.client.listPeople();
    const found = people.find((p) => p.identities.some((i) => i.channel === 'telegram' && i.peerId === MEMBER.userId));
    if (!found) throw new Error(`the approved user is no person: ${JSON.stringify(people)}`);
    return found;
  }
  const ownerCard = () => page.getByRole('region').filter({ has: page.locator('.badge--owner') });

  it('shows the owner first; links an account to them and unlinks it', async () => {
    await member();
    await page.goto(env.webUrl + '/people');
    const owner = ownerCard();
    await owner.waitFor();
    expect(await page.locator('[data-person-id]').first().getAttribute('data-person-id')).toBe('owner');
    await page.locator(`[data-person-id="${(await member()).id}"]`).waitFor();

    await owner.getByLabel('Account id').fill('424242');
    await owner.getByRole('button', { name: 'Link', exact: true }).click();
    const row = owner.locator('[data-identity="telegram:424242"]');
    await row.waitFor();
    expect((await env.client.getPerson('owner')).person.identities).toContainEqual(expect.objectContaining({ channel: 'telegram', peerId: '424242' }));
    await env.shot(page, 'people-01-linked');

    await row.getByRole('button', { name: 'Unlink the telegram account 424242' }).click();
    await row.getByRole('button', { name: 'Unlink', exact: true }).click();
    await row.waitFor({ state: 'detached' });
    expect((await env.client.getPerson('owner')).person.identities.some((i) => i.peerId === '424242')).toBe(false);
  });

  it("sets a member's limit, shows it is set for them, and clears it back to the role default", async () => {
    const ann = await member();
    await page.goto(env.webUrl + '/people');
    const card = page.locator(`[data-person-id="${ann.id}"]`);
    const tokens = card.getByRole('group', { name: 'Tokens per day' });
    await tokens.getByTestId('limit-value').filter({ hasText: 'role default' }).waitFor();

    await tokens.getByRole('button', { name: 'Change tokens per day' }).click();
    await tokens.getByLabel('Tokens per day').fill('12345');
    await tokens.getByRole('button', { name: 'Save' }).click();
    await tokens.getByTestId('limit-value').filter({ hasText: 'set for this person' }).waitFor();
    expect((await env.client.getPerson(ann.id)).person).toMatchObject({ limits: { tokensPerDay: 12345 }, limitOverrides: { tokensPerDay: 12345 } });
    await env.shot(page, 'people-02-limit-set');

    await tokens.getByRole('button', { name: 'Use the role default for tokens per day' }).click();
    await tokens.getByTestId('limit-value').filter({ hasText: 'role default' }).waitFor();
    expect((await env.client.getPerson(ann.id)).person.limitOverrides.tokensPerDay).toBeUndefined();
  });

  it("filters memories by person: one person's memories only, each chipped with whose it is", async () => {
    const ann = await member();
    const create = async (body: Parameters<WebTestEnv['client']['createMemory']>[0]) => (await env.client.createMemory(body)).memory!.id;
    const annsId = await create({ content: 'Ann plays the cello in a quartet.', scope: 'person', personId: ann.id });
    const ownersId = await create({ content: 'The owner runs every morning.', scope: 'person', personId: 'owner' });
    const globalId = await create({ content: 'The office is in Lisbon.', scope: 'global' });

    await page.goto(env.webUrl + '/memory');
    const item = (id: string) => page.locator(`[data-memory-id="${id}"]`);
    const chip = (id: string, text: string) => item(id).getByTestId('memory-scope').filter({ hasText: new RegExp(`^${text}$`) }).waitFor();
    await chip(annsId, MEMBER.displayName);
    await chip(ownersId, 'You');
    await chip(globalId, 'Global — shared with everyone');

    await page.getByRole('combobox', { name: 'Scope' }).selectOption(`person:${ann.id}`);
    await item(ownersId).waitFor({ state: 'detached' });
    await item(globalId).waitFor({ state: 'detached' });
    await item(annsId).waitFor();
    expect(await page.locator('[data-memory-id]').count()).toBe(1);
    await env.shot(page, 'people-03-memory-by-person');

    await page.getByRole('combobox', { name: 'Scope' }).selectOption('person:owner');
    await item(ownersId).waitFor();
    await item(annsId).waitFor({ state: 'detached' });
  });

  it('words a refusal by the limits on the composer and keeps the text typed', async () => {
    // The dashboard speaks as the owner: one message a minute for the owner, set on the People page.
    await page.goto(env.webUrl + '/people');
    const messages = ownerCard().getByRole('group', { name: 'Messages per minute' });
    await messages.getByRole('button', { name: 'Change messages per minute' }).click();
    await messages.getByLabel('Messages per minute').fill('1');
    await messages.getByRole('button', { name: 'Save' }).click();
    await messages.getByTestId('limit-value').filter({ hasText: 'set for this person' }).waitFor();

    try {
      const session = await env.client.createSession({ channel: 'web', peerId: `limits-${Date.now()}` });
      await page.goto(`${env.webUrl}/chat/${session.id}`);
      await page.getByTestId('conversation-person').filter({ hasText: '(you)' }).waitFor();
      const box = page.getByLabel('Message', { exact: true });
      await box.fill('first one');
      await box.press('Enter');
      await page.locator('article.msg--assistant').filter({ hasText: 'Echo: first one' }).waitFor();
      await box.fill('too soon');
      await box.press('Enter');
      const notice = page.getByTestId('composer-limit');
      await notice.waitFor();
      expect(await notice.getAttribute('data-code')).toBe('RATE_LIMITED');
      expect(await notice.textContent()).toMatch(/^Limit reached: 1 message a minute — try again in \d+ s\.$/);
      expect(await box.inputValue()).toBe('too soon');
      expect((await env.client.listMessages(session.id)).messages.some((m) => m.content === 'too soon')).toBe(false);
      await env.shot(page, 'people-04-composer-limit');
    } finally {
      await env.client.updatePerson('owner', { limits: { messagesPerMinute: null } });
    }
  });
});
