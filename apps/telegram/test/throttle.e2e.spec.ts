import { startTelegramTest, type TelegramTest } from './harness';

describe('Telegram flood safety: a bot-wide throttle across chats (e2e)', () => {
  let t: TelegramTest;
  const RATE = 10;
  beforeAll(async () => {
    t = await startTelegramTest({ env: { TELEGRAM_GLOBAL_RATE: String(RATE) } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps a burst to many chats within the configured global rate: Telegram never answers 429', async () => {
    // Telegram's flood limit, a little above the bot's own: only a burst past the throttle trips it.
    t.tg.floodLimit(RATE + 2);
    const chats = Array.from({ length: 3 * RATE }, (_, i) => 700_000 + i);
    const start = Date.now();
    const sent = await Promise.all(chats.map((chatId) => t.bot.bot.api.sendMessage(chatId, `notice for ${chatId}`)));
    const took = Date.now() - start;
    t.tg.floodLimit(null);

    expect(sent).toHaveLength(chats.length);
    expect(t.tg.floodErrors).toBe(0);
    for (const chatId of chats) expect(t.tg.shown(chatId).map((m) => m.text)).toEqual([`notice for ${chatId}`]);
    // 30 calls at 10 a second: the last ones wait about two seconds.
    expect(took).toBeGreaterThanOrEqual(1800);
    const at = t.tg.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) >= 700_000).map((c) => c.at);
    for (const a of at) expect(at.filter((b) => b >= a && b < a + 1000).length).toBeLessThanOrEqual(RATE + 1);
  });
});
