/**
 * Attachments in the dashboard, end to end: the built API and dashboard over the fake LLM,
 * headless Chromium. Files chosen with the attach button, dropped on the conversation and pasted
 * into the message box are uploaded at once (a refusal shows on the file's chip), sent with the
 * next message, reach the model as image and file parts, and show in the transcript as
 * thumbnails and file chips, also after a reload. A model that cannot see refuses with the
 * models that can, one click away.
 */
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { fakeCatalog, makePdf, makePng } from '@switchboard/tools/testing';
import type { FakeLlmFile } from '@switchboard/tools/fake-llm';
import { axeSerious, until, startWebTestEnv, type WebTestEnv } from './web-harness';

jest.setTimeout(120_000);

const MAX_FILE_BYTES = 256 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('attachments in the dashboard (e2e, headless Chromium)', () => {
  let env: WebTestEnv;
  let page: Page;
  let n = 0;

  beforeAll(async () => {
    env = await startWebTestEnv({ config: (fake) => fakeCatalog(fake, { attachments: { maxFileBytes: MAX_FILE_BYTES } }) });
    page = await env.newPage();
    await env.signIn(page);
  });
  afterAll(async () => {
    await env?.close();
  });
  beforeEach(() => env.fake.reset());

  async function open(p: Page = page): Promise<string> {
    const s = await env.client.createSession({ channel: 'web', peerId: `web-files-${++n}-${Date.now()}` });
    await p.goto(`${env.webUrl}/chat/${s.id}`);
    await p.getByLabel('Message', { exact: true }).waitFor();
    return s.id;
  }

  /** The image and file parts of the last user message of the model turns the fake LLM served. */
  const turns = () => env.fake.requests.filter((r) => r.stream);
  const lastUserFiles = (): FakeLlmFile[] => turns().at(-1)?.messages.filter((m) => m.role === 'user').at(-1)?.files ?? [];

  /** Drops files on the conversation as a browser does: dragenter, dragover and drop carrying a DataTransfer. */
  async function dropFiles(p: Page, files: Array<{ name: string; type: string; bytes: Buffer }>): Promise<void> {
    await p.evaluate((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      const target = document.querySelector('.transcript-wrap') ?? document.querySelector('section.conversation')!;
      for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, files.map((f) => ({ name: f.name, type: f.type, b64: f.bytes.toString('base64') })));
  }

  /** Pastes files into the message box as the clipboard would (a screenshot). */
  async function pasteFiles(p: Page, files: Array<{ name: string; type: string; bytes: Buffer }>): Promise<void> {
    await p.evaluate((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      document.getElementById('composer-input')!.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: dt }));
    }, files.map((f) => ({ name: f.name, type: f.type, b64: f.bytes.toString('base64') })));
  }

  const chips = (p: Page) => p.getByTestId('draft-file');
  const waitReady = (p: Page, count: number) => until(() => chips(p).evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), (s) => s.length === count && s.every((x) => x === 'ready'), `${count} uploaded chips`);

  async function imageLoaded(p: Page, nth = 0): Promise<{ width: number; src: string }> {
    const img = p.getByTestId('message-image').nth(nth).locator('img');
    await img.waitFor();
    return until(() => img.evaluate((el: HTMLImageElement) => ({ width: el.complete ? el.naturalWidth : 0, src: el.getAttribute('src') ?? '' })), (v) => v.width > 0, 'the thumbnail loaded');
  }

  it('sends a photo chosen with the attach button: the model gets it as an image part, the transcript shows its thumbnail (also after a reload), a click opens it', async () => {
    const id = await open();
    const png = makePng(64, 48, [30, 120, 220]);
    await page.getByRole('button', { name: 'Attach files' }).click({ trial: true });
    await page.getByTestId('attach-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    await waitReady(page, 1);
    expect(await chips(page).first().textContent()).toContain('photo.png');
    await env.shot(page, 'attachments-01-chip');

    const box = page.getByLabel('Message', { exact: true });
    await box.fill('What is in this photo?');
    await box.press('Enter');
    await page.locator('article.msg--assistant[data-status="complete"]').filter({ hasText: 'Echo: What is in this photo?' }).waitFor();
    expect(lastUserFiles()).toEqual([expect.objectContaining({ kind: 'image', mediaType: 'image/png', bytes: png.length, sha256: sha(png) })]);
    expect(await chips(page).count()).toBe(0);

    const shown = await imageLoaded(page);
    expect(await page.getByTestId('message-image').locator('img').getAttribute('alt')).toBe('photo.png');
    const stored = (await env.client.listMessages(id)).messages.find((m) => m.role === 'user')!;
    expect(stored.attachments).toEqual([expect.objectContaining({ name: 'photo.png', mediaType: 'image/png', size: png.length })]);
    expect(shown.src).toBe(`${env.webUrl}/api/v1/sessions/${id}/attachments/${stored.attachments![0].id}/content`);
    await env.shot(page, 'attachments-02-sent');

    // A click opens the full image in a new tab (through the same-origin cookie proxy).
    const [tab] = await Promise.all([env.context.waitForEvent('page'), page.getByTestId('message-image').click()]);
    await tab.waitForLoadState();
    expect(await tab.evaluate(() => (document.querySelector('img') as HTMLImageElement | null)?.naturalWidth)).toBe(64);
    await tab.close();

    await page.reload();
    expect((await imageLoaded(page)).width).toBe(64);
    expect(await page.locator('.msg--user .msg__bubble').last().textContent()).toBe('What is in this photo?');

    // The dark theme at desktop width: the thumbnail and a chip waiting to be sent, no serious accessibility violation.
    const dark = await env.newPage({ dark: true });
    try {
      await dark.goto(`${env.webUrl}/chat/${id}`);
      await imageLoaded(dark);
      await dark.getByTestId('attach-input').setInputFiles({ name: 'next.pdf', mimeType: 'application/pdf', buffer: makePdf('Next') });
      await waitReady(dark, 1);
      await env.shot(dark, 'attachments-08-dark-desktop');
      expect(await axeSerious(dark)).toEqual([]);
    } finally {
      await dark.close();
    }
  });

  it('takes a PDF dropped on the conversation and an image pasted into the box, on a phone in the dark theme', async () => {
    const phone = await env.newPage({ width: 390, height: 844, dark: true });
    try {
      const id = await open(phone);
      const pdf = makePdf('Quarterly report\nRevenue grew 12 percent');
      const shot = makePng(40, 30, [20, 160, 90]);
      await dropFiles(phone, [{ name: 'report.pdf', type: 'application/pdf', bytes: pdf }]);
      await pasteFiles(phone, [{ name: 'image.png', type: 'image/png', bytes: shot }]);
      await waitReady(phone, 2);
      expect(await chips(phone).allTextContents()).toEqual([expect.stringContaining('report.pdf'), expect.stringContaining('image.png')]);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await env.shot(phone, 'attachments-03-phone-chips');

      // Files alone (no text) can be sent.
      await phone.getByRole('button', { name: 'Send message' }).click();
      await until(() => Promise.resolve(turns().length), (c) => c === 1, 'the turn');
      const files = lastUserFiles();
      expect(files).toEqual([
        expect.objectContaining({ kind: 'file', mediaType: 'application/pdf', sha256: sha(pdf), filename: 'report.pdf' }),
        expect.objectContaining({ kind: 'image', mediaType: 'image/png', sha256: sha(shot) }),
      ]);
      await phone.locator('article.msg--assistant[data-status="complete"]').waitFor();

      const chip = phone.getByTestId('message-file');
      expect(await chip.textContent()).toMatch(/^report\.pdfPDF · \d+ B$/);
      const stored = (await env.client.listMessages(id)).messages.find((m) => m.role === 'user')!;
      expect(await chip.getAttribute('href')).toBe(`${env.webUrl}/api/v1/sessions/${id}/attachments/${stored.attachments![0].id}/content`);
      expect(await chip.getAttribute('download')).toBe('report.pdf');
      await imageLoaded(phone);
      expect(await phone.locator('.msg--user .msg__bubble').count()).toBe(0);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await env.shot(phone, 'attachments-04-phone-sent');
      expect(await axeSerious(phone)).toEqual([]);

      // The PDF link serves the bytes with the sign-in cookie.
      const res = await phone.evaluate(async (href) => {
        const r = await fetch(href);
        return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
      }, (await chip.getAttribute('href'))!);
      expect(res).toEqual({ status: 200, type: 'application/pdf', size: pdf.length });
    } finally {
      await phone.close();
    }
  });

  it('starts a new conversation with a photo: nothing is stored until it is sent, then it goes with the first message', async () => {
    await page.goto(`${env.webUrl}/chat/new`);
    await page.getByLabel('Message', { exact: true }).waitFor();
    const before = (await env.client.listSessions({})).sessions.length;
    // Files dragged over the page: the drop target says so.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'x.png', { type: 'image/png' }));
      document.querySelector('section.conversation')!.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
    });
    await page.locator('.drop-overlay').waitFor();
    await env.shot(page, 'attachments-07-drop-target');
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'x.png', { type: 'image/png' }));
      document.querySelector('section.conversation')!.dispatchEvent(new DragEvent('dragleave', { bubbles: true, cancelable: true, dataTransfer: dt }));
    });
    await page.locator('.drop-overlay').waitFor({ state: 'detached' });

    const png = makePng(30, 20, [250, 120, 0]);
    await page.getByTestId('attach-input').setInputFiles({ name: 'first.png', mimeType: 'image/png', buffer: png });
    await waitReady(page, 1);
    expect((await env.client.listSessions({})).sessions.length).toBe(before);
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('Describe it');
    await box.press('Enter');
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/);
    await page.locator('article.msg--assistant[data-status="complete"]').filter({ hasText: 'Echo: Describe it' }).waitFor();
    expect(lastUserFiles()).toEqual([expect.objectContaining({ kind: 'image', sha256: sha(png) })]);
    expect((await imageLoaded(page)).width).toBe(30);
  });

  it('shows refusals next to the composer: a file too large, a type not allowed, an image for a text-only model (with a model that can, one click away)', async () => {
    const id = await open();
    await env.client.setSessionModel(id, 'quick');
    await page.reload();
    await page.getByLabel('Message', { exact: true }).waitFor();

    // Too large and not allowed: refused on upload, on the file's chip, and sending waits for them to go.
    await dropFiles(page, [
      { name: 'huge.png', type: 'image/png', bytes: Buffer.concat([makePng(8, 8), Buffer.alloc(MAX_FILE_BYTES)]) },
      { name: 'notes.txt', type: 'text/plain', bytes: Buffer.from('just some notes') },
    ]);
    const failed = page.locator('[data-testid="draft-file"][data-state="failed"]');
    await until(() => failed.count(), (c) => c === 2, 'two refused files');
    expect(await failed.nth(0).textContent()).toMatch(/huge\.png.*A file may be at most 262,144 bytes \(this one is [\d,]+ bytes\)/);
    expect(await failed.nth(1).textContent()).toMatch(/notes\.txt.*not one of the accepted types/);
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('hello');
    expect(await page.getByRole('button', { name: 'Send message' }).isDisabled()).toBe(true);
    await env.shot(page, 'attachments-05-refused-files');
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'Remove huge.png' }).click();
    await page.getByRole('button', { name: 'Remove notes.txt' }).click();
    expect(await chips(page).count()).toBe(0);

    // An image for Fake Quick (text-only): the API's words and the models that can see; nothing reaches a model.
    const png = makePng(16, 16, [240, 200, 10]);
    await page.getByTestId('attach-input').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: png });
    await waitReady(page, 1);
    await box.fill('Explain this chart');
    await box.press('Enter');
    const refusal = page.getByTestId('attachment-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Fake Quick cannot read images, so this message was not sent.');
    expect(await box.inputValue()).toBe('Explain this chart');
    expect(await chips(page).count()).toBe(1);
    expect(turns()).toHaveLength(0);
    await env.shot(page, 'attachments-06-text-only-refusal');

    await refusal.getByRole('button', { name: 'Use Fake Main' }).click();
    await until(() => env.client.getSession(id), (s) => s.modelOverride === 'main', 'the model switched');
    await refusal.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.locator('article.msg--assistant[data-status="complete"]').filter({ hasText: 'Echo: Explain this chart' }).waitFor();
    expect(turns().at(-1)!.model).toBe('fake-main');
    expect(lastUserFiles()).toEqual([expect.objectContaining({ kind: 'image', sha256: sha(png) })]);
  });
});
