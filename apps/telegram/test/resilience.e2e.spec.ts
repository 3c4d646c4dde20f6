import { ANN, startTelegramTest, TEST_TOKEN, type TelegramTest } from './harness';

const SECRET = 'webhook-secret-0123456789';

describe('Telegram resilience: API outages, polling stalls, webhook mode, shutdown (e2e)', () => {
  let t: TelegramTest;
  beforeAll(async () => {
    t = await startTelegramTest({ env: { TELEGRAM_POLL_STALL_MS: '1500' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const shownTexts = () => t.tg.shown(ANN.id).map((m) => m.text);
  const waitText = (text: string, timeoutMs = 10_000) => t.tg.waitFor(shownTexts, (x) => x.includes(text), `"${text}"`, timeoutMs);

  it('says the assistant is temporarily unavailable while the API is down, keeps polling, and recovers', async () => {
    t.tg.sendText({ text: 'before the outage' });
    await waitText('Echo: before the outage');

    // Take the API down; bring it back later on the same port.
    t.api.env.PORT = String(t.api.api.port);
    await t.api.api.close();
    const polls = t.tg.getUpdatesCount;
    t.tg.sendText({ text: 'anyone home?' });
    await waitText('⚠️ Switchboard is temporarily unavailable. Please try again in a moment.');
    await t.tg.waitFor(() => t.tg.getUpdatesCount, (n) => n >= polls + 3, 'polling to go on');

    await t.api.restart();
    // The event stream reconnects with backoff; the next message gets a real, streamed reply.
    await t.tg.waitFor(() => t.bot.telegram.events.connected, (c) => c, 'the WebSocket to reconnect', 15_000);
    t.tg.sendText({ text: 'after the outage' });
    await waitText('Echo: after the outage');
    expect(shownTexts().filter((x) => x === 'Echo: after the outage')).toHaveLength(1);
  });

  it('detects a stalled long poll, restarts polling, and handles what arrives next', async () => {
    t.tg.stallPolling(true);
    await t.tg.waitFor(() => t.bot.polling!.stalls, (n) => n >= 1, 'the watchdog to notice the stall', 8000);
    t.tg.stallPolling(false);
    t.tg.sendText({ text: 'after the stall' });
    await waitText('Echo: after the stall');
    expect(t.logs.some((l) => l.includes('polling stalled; restarting it'))).toBe(true);
  });

  it('stops gracefully: no more polling, and an update sent meanwhile is handled once by the next start', async () => {
    await t.bot.stop();
    const polls = t.tg.getUpdatesCount;
    t.tg.sendText({ text: 'while stopped' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(t.tg.getUpdatesCount).toBe(polls);
    expect(shownTexts()).not.toContain('Echo: while stopped');
    await t.restartBot({ TELEGRAM_POLL_STALL_MS: '1500' });
    await waitText('Echo: while stopped');
    await new Promise((r) => setTimeout(r, 1500));
    expect(shownTexts().filter((x) => x === 'Echo: while stopped')).toHaveLength(1);
  });

  it('in webhook mode, registers the URL with a secret and only handles requests that carry it', async () => {
    await t.bot.stop();
    const polls = t.tg.getUpdatesCount;
    const bot = await t.restartBot({
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.test/telegram/hook',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_WEBHOOK_PORT: '0',
    });
    try {
      expect(bot.mode).toBe('webhook');
      expect(t.tg.callsOf('setWebhook').at(-1)!.payload).toMatchObject({
        url: 'https://bot.example.test/telegram/hook',
        secret_token: SECRET,
        allowed_updates: ['message', 'callback_query'],
      });
      const update = (text: string, id: number) => ({
        update_id: id,
        message: { message_id: 90_000 + id, date: 0, chat: { id: ANN.id, type: 'private', first_name: 'Ann' }, from: ANN, text },
      });
      const post = (body: unknown, secret?: string) =>
        fetch(bot.webhook!.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
          body: JSON.stringify(body),
        });
      expect((await post(update('no secret', 1))).status).toBe(401);
      expect((await post(update('wrong secret', 2), 'not-the-secret-000000')).status).toBe(401);
      expect((await post(update('via webhook', 3), SECRET)).status).toBe(200);
      await waitText('Echo: via webhook');
      expect(shownTexts().some((x) => x.includes('secret'))).toBe(false);
      expect(t.tg.getUpdatesCount).toBe(polls);
    } finally {
      await t.bot.stop();
      await t.restartBot();
    }
  });

  it('never writes the bot token or the API token to its logs', () => {
    const all = t.logs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).toContain('API WebSocket');
    expect(all).not.toContain(t.tg.token);
    expect(all).not.toContain(t.tg.token.split(':')[1]);
    expect(all).not.toContain(TEST_TOKEN);
  });
});
