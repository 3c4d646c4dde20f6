import { startTelegram } from '../src/app';
import { ANN, startTelegramTest, type TelegramTest } from './harness';

/** Replies in a chat that the chat did not ask for: jobs, the dashboard, the REST API. */
describe('Telegram delivers everything that belongs to a Telegram chat, once (e2e)', () => {
  let t: TelegramTest;
  beforeAll(async () => {
    t = await startTelegramTest();
  });
  afterAll(async () => {
    await t?.close();
  });

  const texts = (chatId: number) => t.tg.shown(chatId).map((m) => m.text);
  const count = (chatId: number, text: string) => texts(chatId).filter((x) => x === text).length;
  const waitText = (chatId: number, text: string, timeoutMs = 10_000) =>
    t.tg.waitFor(() => texts(chatId), (x) => x.includes(text), `"${text}" in chat ${chatId}`, timeoutMs);
  const settle = (ms = 1200) => new Promise((r) => setTimeout(r, ms));
  const sessionOf = async (chatId: number) => (await t.api.client.createSession({ channel: 'telegram', peerId: String(chatId) })).id;

  it('delivers a reply to a message posted through the REST API into the chat, once (and not the message itself)', async () => {
    const sessionId = await sessionOf(ANN.id);
    await t.api.client.sendMessage(sessionId, { text: 'posted by an integrator' });
    await waitText(ANN.id, 'Echo: posted by an integrator');
    await settle();
    expect(count(ANN.id, 'Echo: posted by an integrator')).toBe(1);
    expect(texts(ANN.id)).not.toContain('posted by an integrator');
    // The final reply carries no link preview; the cursor records it.
    const send = t.tg.callsOf('sendMessage').find((c) => c.payload.text === 'Echo: posted by an integrator')!;
    expect(send.payload.link_preview_options).toEqual({ is_disabled: true });
    const cursor = await t.api.client.getDeliveryCursor(sessionId, 'telegram');
    const reply = (await t.api.client.listMessages(sessionId)).messages.find((m) => m.content === 'Echo: posted by an integrator')!;
    expect(cursor.seq >= reply.seq || cursor.delivered.includes(reply.id)).toBe(true);
  });

  it('delivers a job aimed at a chat the bot never saw, after a bot restart, once', async () => {
    const chatId = 424_242;
    await t.bot.stop();
    await t.restartBot();
    const job = await t.api.client.createJob({ name: 'tg-morning', everySeconds: 86_400, prompt: 'good morning from the job', session: { channel: 'telegram', peerId: String(chatId) } });
    await t.api.client.runJob(job.id);
    await waitText(chatId, 'Echo: good morning from the job');
    await settle();
    expect(count(chatId, 'Echo: good morning from the job')).toBe(1);
    expect(texts(chatId)).toHaveLength(1);
  });

  it('delivers replies that finished while the bot was down (a queue that drained included) once it is back, and never again', async () => {
    const sessionId = await sessionOf(ANN.id);
    t.api.fake.addRule({ match: 'slow while away', reply: 'Slow reply while away.', firstTokenDelayMs: 600 });
    await t.bot.stop();
    const first = await t.api.client.sendMessage(sessionId, { text: 'slow while away' });
    const second = await t.api.client.sendMessage(sessionId, { text: 'queued while away' });
    expect(first.queued).toBe(false);
    expect(second.queued).toBe(true);
    await waitUntil(async () => (await t.api.client.listMessages(sessionId)).messages.some((m) => m.content === 'Echo: queued while away'));
    expect(texts(ANN.id)).not.toContain('Slow reply while away.');

    await t.restartBot();
    await waitText(ANN.id, 'Echo: queued while away');
    await settle();
    const shown = texts(ANN.id);
    expect(shown.filter((x) => x === 'Slow reply while away.')).toHaveLength(1);
    expect(shown.filter((x) => x === 'Echo: queued while away')).toHaveLength(1);
    expect(shown.indexOf('Slow reply while away.')).toBeLessThan(shown.indexOf('Echo: queued while away'));

    // Another restart of the bot, then of the API: nothing is sent again.
    const sends = t.tg.callsOf('sendMessage').length;
    await t.bot.stop();
    await t.restartBot();
    t.api.env.PORT = String(t.api.api.port);
    await t.api.restart();
    await t.tg.waitFor(() => t.bot.telegram.events.connected, (c) => c, 'the WebSocket to reconnect', 15_000);
    await settle(1500);
    expect(t.tg.callsOf('sendMessage').slice(sends).filter((c) => Number(c.payload.chat_id) === ANN.id)).toHaveLength(0);
  });

  it('with two bot instances on one API, each reply is delivered by one of them only', async () => {
    // A second instance in webhook mode (so it does not poll): it hears the same events.
    const second = await startTelegram({
      env: {
        TELEGRAM_BOT_TOKEN: t.tg.token,
        TELEGRAM_API_ROOT: t.tg.url,
        SWITCHBOARD_API_URL: t.api.api.url,
        SWITCHBOARD_API_TOKEN: t.bot.config.apiToken,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.test/hook',
        TELEGRAM_WEBHOOK_SECRET: 'second-instance-secret-0123',
        TELEGRAM_WEBHOOK_PORT: '0',
        LOG_LEVEL: 'silent',
      },
    });
    try {
      await t.tg.waitFor(() => second.telegram.events.connected, (c) => c, 'the second instance to connect');
      const sessionId = await sessionOf(ANN.id);
      for (const n of [1, 2, 3]) await t.api.client.sendMessage(sessionId, { text: `twice? ${n}`, wait: true });
      await waitText(ANN.id, 'Echo: twice? 3');
      await settle();
      for (const n of [1, 2, 3]) expect(count(ANN.id, `Echo: twice? ${n}`)).toBe(1);
    } finally {
      await second.stop();
    }
  });
});

async function waitUntil(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
