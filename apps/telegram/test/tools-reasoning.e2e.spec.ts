/**
 * Tool calls and reasoning in Telegram, end to end: the real API with real MCP servers built with
 * the SDK (one over Streamable HTTP in this process, one over stdio started by the API), the fake
 * LLM scripted to call their tools or to reason, the real bot against the fake Bot API. A tool
 * call is one short line (while the reply streams and in the reply), never its input or output;
 * reasoning is sent only to a chat that asked for it (`/reasoning on`), as a folded quote.
 */
import { MCP_STDIO_SERVER_SCRIPT, startDemoMcpHttpServer } from '@switchboard/session/testing';
import { htmlToPlain } from '../src/format/html';
import { REASONING_MAX_CHARS } from '../src/format/reply-extras';
import type { RecordedCall } from './fake-bot-api';
import { ANN, eventually, startTelegramTest, testConfig, type TelegramTest } from './harness';

jest.setTimeout(60_000);

const GROUP = -100_777;

describe('Telegram: tool calls as short lines, reasoning on request (e2e)', () => {
  let t: TelegramTest;
  let mcp: Awaited<ReturnType<typeof startDemoMcpHttpServer>>;

  beforeAll(async () => {
    mcp = await startDemoMcpHttpServer();
    t = await startTelegramTest({
      env: { TELEGRAM_ALLOW_GROUPS: String(GROUP) },
      config: (fake) =>
        testConfig(fake, {
          agents: [{ name: 'tooled', match: { channel: 'telegram', peer: '*' }, tools: ['demo.*', 'local.*'] }],
          mcpServers: { demo: { url: mcp.url }, local: { command: process.execPath, args: [MCP_STDIO_SERVER_SCRIPT] } },
        }),
    });
    await eventually(() => t.api.client.listTools(), (r) => r.mcpServers.every((s) => s.state === 'connected'), 'the MCP servers connected', 20_000);
  });
  afterAll(async () => {
    await t?.close();
    await mcp?.close();
  });
  beforeEach(() => t.api.fake.reset());

  const toAnn = (since: number, method = 'sendMessage'): RecordedCall[] =>
    t.tg.calls.slice(since).filter((c) => c.method === method && Number(c.payload.chat_id) === ANN.id);
  /** Sends a text to the bot and waits for a new message in the chat that `done` accepts; the Bot API calls since then are the answer's. */
  const say = async (text: string, done: (shown: string) => boolean) => {
    const since = t.tg.calls.length;
    const before = t.tg.shown(ANN.id).length;
    t.tg.sendText({ text });
    await t.tg.waitFor(() => t.tg.shown(ANN.id).slice(before).map((m) => m.text), (texts) => texts.some(done), `the answer to "${text}"`);
    return since;
  };

  it('streams a short line per tool call (HTTP MCP) and sends it with the final answer, once, never the input or output', async () => {
    t.api.fake.addRule({ match: 'take a nap', toolCalls: [{ name: 'demo__slow', arguments: { ms: 1200 } }], times: 1 });
    t.api.fake.addRule({ match: 'take a nap', reply: (req) => (req.messages.some((m) => m.role === 'tool' && m.content === 'slept 1200') ? 'I slept **well**.' : 'A nap'), chunkDelayMs: 20 });
    const since = await say('take a nap please', (x) => x.endsWith('I slept well.'));

    const drafts = toAnn(since, 'sendMessageDraft').map((d) => String(d.payload.text));
    // While the tool ran: its line, without a mark; once it answered: a check mark.
    expect(drafts).toContain('🔧 demo.slow …');
    expect(drafts.some((d) => d.startsWith('🔧 demo.slow ✓'))).toBe(true);
    const sends = toAnn(since);
    expect(sends).toHaveLength(1);
    expect(sends[0].payload).toMatchObject({ parse_mode: 'HTML', text: '🔧 <i>demo.slow ✓</i>\n\nI slept <b>well</b>.' });
    expect(t.tg.shown(ANN.id).filter((m) => m.text === '🔧 demo.slow ✓\n\nI slept well.')).toHaveLength(1);
    // Nothing of the call's input or output reached the chat.
    const everything = t.tg.calls.slice(since).map((c) => JSON.stringify(c.payload)).join('\n');
    expect(everything).not.toContain('slept 1200');
    expect(everything).not.toContain('"ms"');
  });

  it('in a group, the streamed message shows the tool line and is edited into the final reply (the line once)', async () => {
    t.api.fake.addRule({ match: 'nap in the group', toolCalls: [{ name: 'demo__slow', arguments: { ms: 1200 } }], times: 1 });
    t.api.fake.addRule({ match: 'nap in the group', reply: 'The group napped **too**.' });
    const since = t.tg.calls.length;
    const before = t.tg.shown(GROUP).length;
    t.tg.sendText({ text: `@${t.tg.bot.username} nap in the group`, chatId: GROUP, chatType: 'supergroup', from: ANN });
    await t.tg.waitFor(() => t.tg.shown(GROUP).slice(before).map((m) => m.text), (x) => x.includes('🔧 demo.slow ✓\n\nThe group napped too.'), 'the group reply');
    const inGroup = (method: string) => t.tg.calls.slice(since).filter((c) => c.method === method && Number(c.payload.chat_id) === GROUP);
    // The draft is a real message (plain text) sent while the tool ran, then edited into the formatted reply.
    expect(inGroup('sendMessage').map((c) => c.payload.text)).toEqual(['🔧 demo.slow …']);
    expect(inGroup('editMessageText').at(-1)!.payload).toMatchObject({ parse_mode: 'HTML', text: '🔧 <i>demo.slow ✓</i>\n\nThe group napped <b>too</b>.' });
    expect(t.tg.shown(GROUP).slice(before).filter((m) => m.text.includes('🔧'))).toHaveLength(1);
  });

  it('lines up a stdio tool that answered and one that failed above a long answer split under 4,096 characters', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}. ` + 'The sum was checked twice and the other tool failed. '.repeat(5)).join('\n\n');
    t.api.fake.addRule({ match: 'add and fail', toolCalls: [{ name: 'local__add', arguments: { a: 19, b: 23 } }, { name: 'demo__fail', arguments: {} }], times: 1 });
    t.api.fake.addRule({ match: 'add and fail', reply: long });
    const since = await say('add and fail, at length', (x) => x.includes('Paragraph 29.'));

    const sends = toAnn(since).filter((c) => c.payload.parse_mode === 'HTML');
    expect(sends.length).toBeGreaterThanOrEqual(2);
    for (const c of sends) expect(htmlToPlain(c.payload.text).length).toBeLessThan(4096);
    expect(sends[0].payload.text.startsWith('🔧 <i>local.add ✓</i>\n🔧 <i>demo.fail ✗</i>\n\nParagraph 0.')).toBe(true);
    const shown = t.tg.shown(ANN.id).map((m) => m.text).join('\n\n');
    expect(shown.split('🔧 local.add ✓').length).toBe(2);
    expect(shown.split('Paragraph 17.').length).toBe(2);
    expect(shown).not.toContain('the demo tool failed on purpose');
  });

  it('sends reasoning only after /reasoning on, as a marked folded quote before the answer (cut to fit), and stops after /reasoning off', async () => {
    const thinking = 'Six sevens are forty-two; <checked> & sure.';
    t.api.fake.addRule({ match: 'six times seven', reasoning: thinking, reply: 'It is 42.' });
    let since = await say('what is six times seven', (x) => x === 'It is 42.');
    expect(toAnn(since).map((c) => c.payload.text)).toEqual(['It is 42.']);

    const help = await say('/help', (x) => x.includes('/reasoning [on|off]'));
    expect(toAnn(help).at(-1)!.payload.text).toContain("/reasoning [on|off] — Show or hide the model's reasoning in this chat");
    await say('/reasoning on', (x) => x.startsWith('Reasoning is on'));
    const session = (await t.api.client.listSessions({ channel: 'telegram' })).sessions.find((s) => s.peerId === String(ANN.id))!;
    expect(session.showReasoning).toBe(true);

    since = await say('six times seven again', (x) => x.endsWith('It is 42.') && x.startsWith('💭'));
    const sent = toAnn(since);
    expect(sent).toHaveLength(1);
    expect(sent[0].payload.text).toBe(`💭 <i>Reasoning</i>\n<blockquote expandable>Six sevens are forty-two; &lt;checked&gt; &amp; sure.</blockquote>\n\nIt is 42.`);
    // Never streamed: the drafts carry the answer only.
    expect(toAnn(since, 'sendMessageDraft').some((d) => String(d.payload.text).includes('Six sevens'))).toBe(false);

    // A long chain of thought is cut, says so, and the message stays under Telegram's limit.
    t.api.fake.reset();
    t.api.fake.addRule({ match: 'think hard', reasoning: 'Step by step. '.repeat(600), reply: 'Done thinking.' });
    since = await say('think hard about it', (x) => x.endsWith('Done thinking.'));
    const cut = toAnn(since).filter((c) => c.payload.parse_mode === 'HTML');
    const text = cut.map((c) => String(c.payload.text)).join('');
    expect(text).toContain('<blockquote expandable>Step by step.');
    const quoted = /<blockquote expandable>([^<]*)\n<i>… ([\d,]+) more characters<\/i><\/blockquote>/.exec(text)!;
    expect(quoted[1].length).toBeLessThanOrEqual(REASONING_MAX_CHARS);
    expect(quoted[1].length + Number(quoted[2].replace(/,/g, ''))).toBe('Step by step. '.repeat(600).trim().length);
    for (const c of cut) expect(htmlToPlain(c.payload.text).length).toBeLessThan(4096);

    await say('/reasoning off', (x) => x.startsWith('Reasoning is off'));
    t.api.fake.reset();
    t.api.fake.addRule({ match: 'six times seven', reasoning: thinking, reply: 'It is 42.' });
    since = await say('six times seven once more', (x) => x === 'It is 42.');
    expect(toAnn(since).map((c) => c.payload.text)).toEqual(['It is 42.']);
  });
});
