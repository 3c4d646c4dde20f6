import { COMMANDS } from '@switchboard/session';
import { startTelegramTest, turnRequests, type TelegramTest } from './harness';
import type { RecordedCall } from './fake-bot-api';

/** Buttons of an inline keyboard as [text, callback_data]. */
const buttons = (call: RecordedCall | { payload: RecordedCall['payload'] }) =>
  (call.payload.reply_markup?.inline_keyboard ?? []).flat().map((b: { text: string; callback_data: string }) => [b.text, b.callback_data]);

describe('Telegram commands (e2e: fake Bot API, real API, fake LLM)', () => {
  let t: TelegramTest;
  let chat = 5000;
  beforeAll(async () => {
    // Every chat in this suite is a DM with a user on the allowlist (in a DM, chat id = user id).
    t = await startTelegramTest({ env: { TELEGRAM_ALLOW_FROM: Array.from({ length: 100 }, (_, i) => 5001 + i).join(',') } });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    t.api.fake.reset();
    await t.api.client.setDefaultModel('main');
  });

  /** A fresh private chat with the allowlisted user (chat id = user id in DMs, so the user changes too). */
  const newChat = () => ++chat;
  const sessionOf = async (peerId: string | number) =>
    (await t.api.client.listSessions({ channel: 'telegram' })).sessions.find((s) => s.peerId === String(peerId));
  /** Sends a text as `from` in their DM and waits for the next bot message there to be complete; returns its call. */
  async function say(chatId: number, text: string): Promise<RecordedCall> {
    const before = t.tg.callsOf('sendMessage').length;
    t.tg.sendText({ text, chatId, from: { id: chatId } });
    return (await t.tg.waitForReply(chatId, before)).call;
  }

  it('starts by registering the shared command list, removing any webhook, then long polling', async () => {
    const registered = t.tg.callsOf('setMyCommands').at(-1)!.payload.commands as Array<{ command: string; description: string }>;
    expect(registered.map((c) => c.command)).toEqual(COMMANDS.map((c) => c.name));
    for (const name of ['start', 'help', 'model', 'local', 'cloud', 'reset', 'usage', 'memory', 'stop', 'whoami']) {
      expect(registered.find((c) => c.command === name)?.description).toBeTruthy();
    }
    // Startup only kicks polling off; the first getUpdates may still be on its way.
    await t.tg.waitForCall('getUpdates');
    const methods = t.tg.calls.map((c) => c.method);
    expect(methods.indexOf('deleteWebhook')).toBeLessThan(methods.lastIndexOf('getUpdates'));
    expect(t.tg.callsOf('getUpdates').at(-1)!.payload).toMatchObject({ timeout: 1, allowed_updates: ['message', 'callback_query'] });
  });

  it('answers /start and /help with the shared help, as plain text, without a model turn', async () => {
    const id = newChat();
    const start = await say(id, '/start');
    expect(start.payload.text).toContain("Hi! I'm Switchboard");
    expect(start.payload.parse_mode).toBeUndefined();
    const help = await say(id, '/help');
    for (const c of COMMANDS) expect(help.payload.text).toContain(c.usage);
    expect(turnRequests(t)).toHaveLength(0);
  });

  it('/model lists the models as text and as a keyboard; a button sets the session override and edits the message', async () => {
    const id = newChat();
    const list = await say(id, '/model');
    expect(list.payload.text).toContain('Active model: Fake Main — global default');
    expect(list.payload.text).toContain('quick — Fake Quick');
    expect(buttons(list)).toEqual([
      ['✓ Fake Main', 'm:main'],
      ['Fake Quick', 'm:quick'],
      ['Fake Claude', 'm:claude'],
      ['Fake Llama (local)', 'm:llama'],
      ['Fake Tiny (small context)', 'm:tiny'],
      ['✓ Follow the global default', 'm!default'],
    ]);

    const messageId = t.tg.shown(id).at(-1)!.messageId;
    t.tg.pushCallback({ chatId: id, messageId, data: 'm:quick', from: { id } });
    const edit = await t.tg.waitForCall('editMessageText', (c) => Number(c.payload.message_id) === messageId);
    expect(edit.payload.text).toContain('This chat now uses Fake Quick (session override)');
    expect(buttons(edit)).toContainEqual(['✓ Fake Quick', 'm:quick']);
    expect(buttons(edit)).toContainEqual(['Follow the global default', 'm!default']);
    expect(await t.tg.waitForCall('answerCallbackQuery')).toMatchObject({ payload: { text: 'Model: Fake Quick' } });

    // Visible over REST, like any door's choice.
    expect(await sessionOf(id)).toMatchObject({ modelOverride: 'quick', effectiveModel: { source: 'session' } });
    // And used for the next turn.
    await say(id, 'which model now?');
    expect(turnRequests(t).at(-1)!.model).toBe('fake-quick');

    t.tg.pushCallback({ chatId: id, messageId, data: 'm!default', from: { id } });
    await t.tg.waitFor(() => t.tg.shown(id).find((m) => m.messageId === messageId)!.text, (s) => s.includes('follows the global default again'), 'the cleared choice');
    expect((await sessionOf(id))!.modelOverride).toBeNull();
  });

  it('/model <name>, /local and /cloud set the override through the shared parser', async () => {
    const id = newChat();
    expect((await say(id, '/model claude')).payload.text).toContain('Model set to Fake Claude');
    expect((await sessionOf(id))!.modelOverride).toBe('claude');
    expect((await say(id, '/local')).payload.text).toContain('Fake Llama (local)');
    expect((await sessionOf(id))!.modelOverride).toBe('llama');
    expect((await say(id, '/cloud')).payload.text).toContain('Fake Main');
    expect((await sessionOf(id))!.modelOverride).toBe('main');
    expect((await say(id, '/model nonsense')).payload.text).toMatch(/nonsense/);
    expect((await sessionOf(id))!.modelOverride).toBe('main');
    expect(turnRequests(t)).toHaveLength(0);
  });

  it('/reset clears the history and the model override', async () => {
    const id = newChat();
    await say(id, '/model quick');
    await say(id, 'remember me');
    const s = (await sessionOf(id))!;
    expect(s.modelOverride).toBe('quick');
    expect((await t.api.client.listMessages(s.id)).messages.length).toBeGreaterThan(0);
    expect((await say(id, '/reset')).payload.text).toContain('Conversation reset');
    const after = (await sessionOf(id))!;
    expect(after.modelOverride).toBeNull();
    expect((await t.api.client.listMessages(s.id)).messages).toEqual([]);
  });

  it('/usage, /memory and /status answer from the API without a model turn', async () => {
    const id = newChat();
    await say(id, 'count this');
    const calls = turnRequests(t).length;
    expect((await say(id, '/usage')).payload.text).toContain('Usage for this conversation');
    expect((await say(id, '/memory')).payload.text.length).toBeGreaterThan(0);
    expect((await say(id, '/status')).payload.text).toContain('Status:');
    expect(turnRequests(t).length).toBe(calls);
  });

  it('/stop interrupts the reply in progress; the partial reply is kept and marked', async () => {
    const id = newChat();
    t.api.fake.addRule({ match: 'long story', reply: 'Once upon a time '.repeat(40), firstTokenDelayMs: 50, chunkDelayMs: 30 });
    t.tg.sendText({ text: 'tell me a long story', chatId: id, from: { id } });
    // A private chat streams into a native draft.
    await t.tg.waitFor(() => t.tg.draftShown(id)?.text ?? '', (x) => x.startsWith('Once upon'), 'a draft');
    const stop = await say(id, '/stop');
    expect(stop.payload.text).toContain('Stopped');
    await t.tg.waitFor(() => t.tg.shown(id), (m) => m.some((x) => x.text.includes('(stopped)')), 'the partial reply marked as stopped');
  });

  it('keeps one session per chat', async () => {
    const a = newChat();
    const b = newChat();
    await say(a, 'one');
    await say(a, 'two');
    await say(b, 'three');
    const sa = (await sessionOf(a))!;
    const sb = (await sessionOf(b))!;
    expect(sa.id).not.toBe(sb.id);
    expect((await t.api.client.listMessages(sa.id)).messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['one', 'two']);
  });
});
