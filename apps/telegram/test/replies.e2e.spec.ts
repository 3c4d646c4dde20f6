import { htmlToPlain } from '../src/format/html';
import { ANN, startTelegramTest, testConfig, turnRequests, type TelegramTest } from './harness';
import type { RecordedCall } from './fake-bot-api';

describe('Telegram replies: typing, streamed edits, formatting, chunks (e2e)', () => {
  let t: TelegramTest;
  beforeAll(async () => {
    t = await startTelegramTest();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.api.fake.reset());

  const toAnn = (since: number, method = 'sendMessage'): RecordedCall[] =>
    t.tg.calls.slice(since).filter((c) => c.method === method && Number(c.payload.chat_id) === ANN.id);
  const waitShown = (pred: (texts: string[]) => boolean, what: string) =>
    t.tg.waitFor(() => t.tg.shown(ANN.id).map((m) => m.text), pred, what);

  it('streams a private reply as a native draft at a bounded rate, then sends the formatted reply once, without a link preview', async () => {
    const reply = 'Here is **the answer**: ' + Array.from({ length: 30 }, (_, i) => `part ${i}`).join(', ') + '. See https://example.com. Done.';
    t.api.fake.addRule({ match: 'stream please', reply, firstTokenDelayMs: 50, chunkDelayMs: 25 });
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'stream please' });
    await waitShown((texts) => texts.some((x) => x.endsWith('Done.')), 'the final reply');

    expect(toAnn(since, 'sendChatAction').length).toBeGreaterThan(0);
    expect(toAnn(since, 'sendChatAction')[0].payload.action).toBe('typing');
    const drafts = toAnn(since, 'sendMessageDraft');
    expect(drafts.length).toBeGreaterThanOrEqual(2);
    expect(drafts.every((d) => d.ok && d.payload.parse_mode === undefined && String(d.payload.text).endsWith(' …'))).toBe(true);
    expect(new Set(drafts.map((d) => d.payload.draft_id)).size).toBe(1);
    for (let i = 1; i < drafts.length; i++) expect(drafts[i].at - drafts[i - 1].at).toBeGreaterThanOrEqual(130);
    // The final reply is one new formatted message; nothing is edited, and the draft is gone.
    const sends = toAnn(since);
    expect(sends).toHaveLength(1);
    expect(sends[0].payload.parse_mode).toBe('HTML');
    expect(sends[0].payload.text).toContain('<b>the answer</b>');
    expect(sends[0].payload.link_preview_options).toEqual({ is_disabled: true });
    expect(sends[0].at).toBeGreaterThan(drafts.at(-1)!.at);
    expect(toAnn(since, 'editMessageText')).toHaveLength(0);
    expect(t.tg.draftShown(ANN.id)).toBeUndefined();
    expect(t.tg.shown(ANN.id).filter((m) => m.text.endsWith('Done.'))).toHaveLength(1);
  });

  it('sends a quick reply as one formatted message, without a draft', async () => {
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'quick one with `code`' });
    await waitShown((texts) => texts.includes('Echo: quick one with code'), 'the reply');
    expect(toAnn(since)).toHaveLength(1);
    expect(toAnn(since)[0].payload).toMatchObject({ parse_mode: 'HTML', text: 'Echo: quick one with <code>code</code>' });
    expect(toAnn(since, 'editMessageText')).toHaveLength(0);
  });

  it('splits a long reply into chunks under 4,096 characters, never inside a code block', async () => {
    const code = '```python\n' + Array.from({ length: 40 }, (_, i) => `print("line ${i}")`).join('\n') + '\n```';
    const paragraphs = Array.from({ length: 24 }, (_, i) => `Paragraph ${i}. ` + 'This sentence is filler text for splitting. '.repeat(8));
    paragraphs.splice(12, 0, code);
    const long = paragraphs.join('\n\n');
    t.api.fake.addRule({ match: 'long please', reply: long });
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'long please' });
    await waitShown((texts) => texts.some((x) => x.includes('Paragraph 23.')), 'the last chunk');
    const formatted = [...toAnn(since), ...toAnn(since, 'editMessageText')].filter((c) => c.payload.parse_mode === 'HTML');
    expect(formatted.length).toBeGreaterThanOrEqual(3);
    for (const c of formatted) {
      expect(c.ok).toBe(true);
      expect(htmlToPlain(c.payload.text).length).toBeLessThan(4096);
      expect((c.payload.text.match(/<pre>/g) ?? []).length).toBe((c.payload.text.match(/<\/pre>/g) ?? []).length);
    }
    const withCode = formatted.filter((c) => c.payload.text.includes('print('));
    expect(withCode).toHaveLength(1);
    expect(withCode[0].payload.text).toContain('<pre><code class="language-python">print("line 0")');
    expect(withCode[0].payload.text).toContain('print("line 39")</code></pre>');
    // Every paragraph arrived exactly once, in order.
    const shown = t.tg.shown(ANN.id).map((m) => m.text).join('\n\n');
    const order = Array.from({ length: 24 }, (_, i) => shown.indexOf(`Paragraph ${i}.`));
    expect(order.every((pos, i) => pos >= 0 && (i === 0 || pos > order[i - 1]))).toBe(true);
    expect(shown.split('Paragraph 5.').length).toBe(2);
  });

  it('falls back to plain text when Telegram cannot parse the formatting', async () => {
    t.tg.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"b\" at byte offset 6" });
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'make it **bold** & <safe>' });
    await waitShown((texts) => texts.includes('Echo: make it bold & <safe>'), 'the plain-text fallback');
    const sends = toAnn(since);
    expect(sends).toHaveLength(2);
    expect(sends[0]).toMatchObject({ ok: false, payload: { parse_mode: 'HTML', text: 'Echo: make it <b>bold</b> &amp; &lt;safe&gt;' } });
    expect(sends[1].ok).toBe(true);
    expect(sends[1].payload.parse_mode).toBeUndefined();
  });

  it("waits out Telegram's 429 retry_after and delivers once", async () => {
    t.tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'rate limited' });
    await waitShown((texts) => texts.includes('Echo: rate limited'), 'the retried reply');
    const sends = toAnn(since);
    expect(sends.map((c) => c.ok)).toEqual([false, true]);
    expect(sends[1].at - sends[0].at).toBeGreaterThanOrEqual(950);
    expect(t.tg.shown(ANN.id).filter((m) => m.text === 'Echo: rate limited')).toHaveLength(1);
  });

  it('shows an engine switch as a short service line before the reply', async () => {
    t.tg.sendText({ text: 'first on main' });
    await waitShown((texts) => texts.includes('Echo: first on main'), 'the first reply');
    t.tg.sendText({ text: '/model quick' });
    await waitShown((texts) => texts.some((x) => x.startsWith('Model set to Fake Quick')), 'the command reply');
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'now on quick' });
    await waitShown((texts) => texts.includes('Echo: now on quick'), 'the second reply');
    const sends = toAnn(since);
    expect(sends[0].payload.text).toBe('🔀 <i>Switched from Fake Main to Fake Quick (session override).</i>');
    expect(sends[0].payload.parse_mode).toBe('HTML');
    expect(sends[1].payload.text).toBe('Echo: now on quick');
    t.tg.sendText({ text: '/model default' });
    await waitShown((texts) => texts.some((x) => x.startsWith('Session override cleared')), 'the reset');
  });

  it('tells the user when the model call fails, in a service line', async () => {
    t.api.fake.addRule({ match: 'break it', status: 400 });
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'break it' });
    const line = await t.tg.waitFor(
      () => toAnn(since).find((c) => /^(⚠️|↪️) <i>/.test(c.payload.text)),
      (c) => c !== undefined,
      'a failure service line',
    );
    expect(line!.ok).toBe(true);
    expect(turnRequests(t).length).toBeGreaterThan(0);
  });

  // Last in this file's bot: once Telegram refuses drafts, the bot streams by edits from then on.
  it('streams by editing one message when Telegram does not offer native drafts', async () => {
    t.tg.failNext('sendMessageDraft', { error_code: 400, description: 'Bad Request: method is not available' }, 1);
    const reply = 'Edited **stream**: ' + Array.from({ length: 30 }, (_, i) => `bit ${i}`).join(', ') + '. Done.';
    t.api.fake.addRule({ match: 'no drafts', reply, firstTokenDelayMs: 50, chunkDelayMs: 25 });
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'no drafts' });
    await waitShown((texts) => texts.some((x) => x.startsWith('Edited stream') && x.endsWith('Done.')), 'the final reply');
    expect(toAnn(since, 'sendMessageDraft')).toHaveLength(1);
    const sends = toAnn(since);
    expect(sends).toHaveLength(1);
    expect(sends[0].payload.parse_mode).toBeUndefined();
    expect(String(sends[0].payload.text).endsWith(' …')).toBe(true);
    const draftId = Number(sends[0].result.message_id);
    const edits = toAnn(since, 'editMessageText');
    expect(edits.every((e) => Number(e.payload.message_id) === draftId)).toBe(true);
    const drafts = [sends[0], ...edits.slice(0, -1)];
    for (let i = 1; i < drafts.length; i++) expect(drafts[i].at - drafts[i - 1].at).toBeGreaterThanOrEqual(130);
    const final = edits.at(-1)!;
    expect(final.payload.parse_mode).toBe('HTML');
    expect(final.payload.text).toContain('<b>stream</b>');
    expect(final.payload.link_preview_options).toEqual({ is_disabled: true });
    expect(t.tg.shown(ANN.id).filter((m) => m.text.endsWith('Done.') && m.text.startsWith('Edited'))).toHaveLength(1);
    expect(t.logs.some((l) => l.includes('sendMessageDraft is not available'))).toBe(true);
  });
});

describe('Telegram replies: fallback notices (e2e)', () => {
  let t: TelegramTest;
  beforeAll(async () => {
    t = await startTelegramTest({
      config: (fake) => {
        const base = testConfig(fake) as { models: Array<Record<string, unknown>> };
        return { ...base, models: base.models.map((m) => (m.id === 'main' ? { ...m, fallbacks: ['quick'] } : m)) };
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows a fallback to another model as a short service line, then the reply', async () => {
    t.api.fake.addRule({ model: 'fake-main', status: 500 });
    const before = new Set(t.tg.shown(ANN.id).map((m) => m.messageId));
    t.tg.sendText({ text: 'main is down' });
    await t.tg.waitFor(() => t.tg.shown(ANN.id).map((m) => m.text), (x) => x.includes('Echo: main is down'), 'the reply from the fallback', 15_000);
    // The reply may be sent whole or streamed into a draft that is edited: compare final messages.
    const shown = t.tg.shown(ANN.id).filter((m) => !before.has(m.messageId));
    const notice = shown.find((m) => m.text.startsWith('↪️ '));
    const reply = shown.find((m) => m.text === 'Echo: main is down');
    expect(notice?.text).toContain('Fake Quick');
    expect(notice!.messageId).toBeLessThan(reply!.messageId);
    // A service line: sent in italics.
    expect(t.tg.calls.some((c) => c.method === 'sendMessage' && String(c.payload.text).startsWith('↪️ <i>'))).toBe(true);
  });
});
