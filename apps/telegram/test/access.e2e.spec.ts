import { runCli } from '@switchboard/tools/cli';
import { ANN, startTelegramTest, turnRequests, TEST_TOKEN, type TelegramTest } from './harness';
import { TEST_BOT, type RecordedCall } from './fake-bot-api';

const GROUP = -100200;
const OTHER_GROUP = -100300;
const BOB = { id: 2002, first_name: 'Bob', username: 'bob' };
const MENTION = `@${TEST_BOT.username}`;

describe('Telegram access control (e2e)', () => {
  let t: TelegramTest;
  let stranger = 3000;
  beforeAll(async () => {
    t = await startTelegramTest({ env: { TELEGRAM_ALLOW_GROUPS: String(GROUP) } });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.api.fake.reset());

  const sessions = async () => (await t.api.client.listSessions({ channel: 'telegram' })).sessions;
  const sentTo = (chatId: number, since = 0): RecordedCall[] =>
    t.tg.callsOf('sendMessage').slice(since).filter((c) => Number(c.payload.chat_id) === chatId);
  const nextReply = (chatId: number, since: number) =>
    t.tg.waitFor(() => sentTo(chatId, since)[0], (c) => c !== undefined, `a message to chat ${chatId}`);
  /** The text of the next reply to the chat, once complete (not a streaming draft). */
  const finalReply = async (chatId: number, since: number) => (await t.tg.waitForReply(chatId, since)).text;
  /** Lets the bot handle everything pushed so far (it has polled past it). */
  const settle = async () => {
    const n = t.tg.getUpdatesCount;
    await t.tg.waitFor(() => t.tg.getUpdatesCount, (c) => c >= n + 2, 'two more polls');
  };
  const cli = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await runCli(argv, { SWITCHBOARD_API_URL: t.api.api.url, SWITCHBOARD_API_TOKEN: TEST_TOKEN }, (s) => lines.push(s));
    return { code, out: lines.join('\n') };
  };

  describe('direct messages', () => {
    it('lets allowlisted users straight in', async () => {
      const before = t.tg.callsOf('sendMessage').length;
      t.tg.sendText({ text: 'hi from the allowlist' });
      expect(await finalReply(ANN.id, before)).toBe('Echo: hi from the allowlist');
    });

    it('gives a stranger a one-time pairing code, stores nothing, and lets them in once the admin approves it (CLI)', async () => {
      const id = ++stranger;
      const before = t.tg.callsOf('sendMessage').length;
      t.tg.sendText({ text: 'let me in', chatId: id, from: { ...BOB, id } });
      const reply = (await nextReply(id, before))!;
      expect(reply.payload.parse_mode).toBe('HTML');
      const code = /<code>([A-Z2-9]{8})<\/code>/.exec(reply.payload.text)![1];
      expect(reply.payload.text).toContain('expires in 60 minutes');
      expect(reply.payload.text).toContain(`npm run switchboard -- pair ${code}`);

      // A second message: no model turn, nothing stored, no new code.
      t.tg.sendText({ text: 'hello?', chatId: id, from: { ...BOB, id } });
      await settle();
      expect(sentTo(id, before)).toHaveLength(1);
      expect(turnRequests(t)).toHaveLength(0);
      expect((await sessions()).find((s) => s.peerId === String(id))).toBeUndefined();

      const pending = await cli('pending');
      expect(pending.out).toContain(`${code}  user ${id} (Bob @bob)`);
      const approved = await cli('pair', code.toLowerCase());
      expect(approved).toEqual({ code: 0, out: `Approved: telegram user ${id} (@bob) may now talk to the assistant.` });
      expect(await cli('pair', code)).toMatchObject({ code: 1, out: expect.stringContaining('PAIRING_NOT_FOUND') });

      const after = t.tg.callsOf('sendMessage').length;
      t.tg.sendText({ text: 'now?', chatId: id, from: { ...BOB, id } });
      expect(await finalReply(id, after)).toBe('Echo: now?');
    });

    it('revoking access sends the user back to pairing', async () => {
      const id = ++stranger;
      await t.api.client.addApprovedUser('telegram', { userId: String(id) });
      let before = t.tg.callsOf('sendMessage').length;
      t.tg.sendText({ text: 'approved by an admin', chatId: id, from: { id } });
      expect(await finalReply(id, before)).toBe('Echo: approved by an admin');
      expect(await cli('revoke', String(id))).toMatchObject({ code: 0 });
      before = t.tg.callsOf('sendMessage').length;
      t.tg.sendText({ text: 'still there?', chatId: id, from: { id } });
      expect((await nextReply(id, before))!.payload.text).toContain('pairing code');
    });

    it('refuses buttons from strangers', async () => {
      const id = ++stranger;
      t.tg.pushCallback({ chatId: id, messageId: 1, data: 'm:quick', from: { id } });
      expect((await t.tg.waitForCall('answerCallbackQuery', (c) => c.payload.text === 'Not allowed.')).payload).toBeTruthy();
      expect((await t.api.client.listPendingPairings('telegram')).pending.map((p) => p.userId)).not.toContain(String(id));
    });

    it('with TELEGRAM_DM_POLICY=allowlist, strangers get no code, just their id', async () => {
      await t.bot.stop();
      await t.restartBot({ TELEGRAM_DM_POLICY: 'allowlist', TELEGRAM_ALLOW_GROUPS: String(GROUP) });
      try {
        const id = ++stranger;
        const before = t.tg.callsOf('sendMessage').length;
        t.tg.sendText({ text: 'hello', chatId: id, from: { id } });
        expect((await nextReply(id, before))!.payload.text).toBe(
          `🔒 This assistant is private. Your Telegram user id is ${id}; its owner can add it to TELEGRAM_ALLOW_FROM.`,
        );
        expect((await t.api.client.listPendingPairings('telegram')).pending.map((p) => p.userId)).not.toContain(String(id));
        expect(turnRequests(t)).toHaveLength(0);
      } finally {
        await t.bot.stop();
        await t.restartBot({ TELEGRAM_ALLOW_GROUPS: String(GROUP) });
      }
    });
  });

  describe('groups', () => {
    const inGroup = (text: string, extra: Partial<Parameters<TelegramTest['tg']['sendText']>[0]> = {}) =>
      t.tg.sendText({ text, chatId: GROUP, chatType: 'supergroup', from: ANN, ...extra });

    it('ignores group messages that are not addressed to the bot, and stores nothing', async () => {
      const before = t.tg.callsOf('sendMessage').length;
      inGroup('just chatting among ourselves');
      inGroup('/help@some_other_bot');
      await settle();
      expect(sentTo(GROUP, before)).toHaveLength(0);
      expect((await sessions()).find((s) => s.peerId === String(GROUP))).toBeUndefined();
    });

    it('answers an @mention (without the mention) and a reply to the bot, quoting the message', async () => {
      let before = t.tg.callsOf('sendMessage').length;
      const { messageId } = inGroup(`${MENTION} what is up`);
      const reply = (await nextReply(GROUP, before))!;
      expect(await finalReply(GROUP, before)).toBe('Echo: what is up');
      expect(reply.payload.reply_parameters).toMatchObject({ message_id: messageId });

      before = t.tg.callsOf('sendMessage').length;
      const botMessage = t.tg.shown(GROUP).at(-1)!.messageId;
      inGroup('and a follow-up', { replyTo: botMessage });
      expect(await finalReply(GROUP, before)).toBe('Echo: and a follow-up');

      before = t.tg.callsOf('sendMessage').length;
      inGroup(`/help@${TEST_BOT.username}`);
      expect((await nextReply(GROUP, before))!.payload.text).toContain('Commands:');
      // A reply to someone else is not for the bot.
      before = t.tg.callsOf('sendMessage').length;
      inGroup('replying to Bob', { replyTo: messageId, replyToFrom: BOB });
      await settle();
      expect(sentTo(GROUP, before)).toHaveLength(0);
    });

    it('gives each forum topic its own session and answers in the topic', async () => {
      const before = t.tg.callsOf('sendMessage').length;
      inGroup(`${MENTION} in topic seven`, { threadId: 7 });
      const reply = (await nextReply(GROUP, before))!;
      expect(reply.payload).toMatchObject({ message_thread_id: 7 });
      expect(await finalReply(GROUP, before)).toBe('Echo: in topic seven');
      const all = await sessions();
      const topic = all.find((s) => s.peerId === `${GROUP}:7`);
      expect(topic).toBeDefined();
      expect(topic!.id).not.toBe(all.find((s) => s.peerId === String(GROUP))?.id);
    });

    it('in a group that is not allowed, says so once and stores nothing', async () => {
      const before = t.tg.callsOf('sendMessage').length;
      t.tg.sendText({ text: `${MENTION} hello?`, chatId: OTHER_GROUP, chatType: 'supergroup', from: ANN });
      expect((await nextReply(OTHER_GROUP, before))!.payload.text).toContain(`TELEGRAM_ALLOW_GROUPS=${OTHER_GROUP}`);
      t.tg.sendText({ text: `${MENTION} hello again?`, chatId: OTHER_GROUP, chatType: 'supergroup', from: ANN });
      await settle();
      expect(sentTo(OTHER_GROUP, before)).toHaveLength(1);
      expect((await sessions()).find((s) => s.peerId === String(OTHER_GROUP))).toBeUndefined();
      expect(turnRequests(t)).toHaveLength(0);
    });
  });
});
