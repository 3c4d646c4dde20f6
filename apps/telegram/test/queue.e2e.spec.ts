import { ANN, startTelegramTest, type TelegramTest } from './harness';

describe('Telegram: a busy chat queues, then answers in order (e2e)', () => {
  let t: TelegramTest;
  beforeAll(async () => {
    t = await startTelegramTest();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says a message is queued (with its position) and later delivers every reply once, in order', async () => {
    t.api.fake.addRule({ match: 'first', reply: 'Answer to the first, slowly written out.', firstTokenDelayMs: 400, chunkDelayMs: 10 });
    const since = t.tg.calls.length;
    t.tg.sendText({ text: 'first' });
    // The first turn is running once the chat shows typing.
    await t.tg.waitForCall('sendChatAction', (c) => t.tg.calls.indexOf(c) >= since);
    const second = t.tg.sendText({ text: 'second' });
    const third = t.tg.sendText({ text: 'third' });

    const notices = await t.tg.waitFor(
      () => t.tg.callsOf('sendMessage').filter((c) => String(c.payload.text).startsWith('⏳ Queued')),
      (c) => c.length === 2,
      'two queue notices',
    );
    expect(notices.map((c) => c.payload.text)).toEqual([
      "⏳ Queued (position 1). I'll answer as soon as the current reply is done.",
      "⏳ Queued (position 2). I'll answer as soon as the current reply is done.",
    ]);
    expect(notices.map((c) => c.payload.reply_parameters.message_id)).toEqual([second.messageId, third.messageId]);

    const replies = ['Answer to the first, slowly written out.', 'Echo: second', 'Echo: third'];
    const shown = await t.tg.waitFor(
      () => t.tg.shown(ANN.id).map((m) => m.text),
      (texts) => replies.every((r) => texts.includes(r)),
      'all three replies',
    );
    const positions = replies.map((r) => shown.indexOf(r));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const r of replies) expect(shown.filter((x) => x === r)).toHaveLength(1);

    // The API kept them as one conversation, in the order they were sent.
    const session = (await t.api.client.listSessions({ channel: 'telegram' })).sessions.find((s) => s.peerId === String(ANN.id))!;
    const users = (await t.api.client.listMessages(session.id)).messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users).toEqual(['first', 'second', 'third']);
  });
});
