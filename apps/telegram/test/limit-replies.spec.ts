/**
 * The real bot against the fake Bot API and a scripted Switchboard API (real HTTP and a real
 * WebSocket on port 0) that refuses messages the way the API refuses a person over their limits:
 * every path a send takes — with the event stream, without it, a command, a group — answers
 * with the friendly words, carries the sender, and quotes the message.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Writable } from 'node:stream';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import type { ErrorBody, SendMessageRequest, Session } from '@switchboard/protocol';
import { startTelegram, type RunningTelegram } from '../src/app';
import { createLogger } from '../src/logger';
import { ANN, startFakeBotApi, type FakeBotApi, type RecordedCall } from './fake-bot-api';

const TOKEN = 'limit-replies-token-0123456789';
const GROUP = -100777;

interface ScriptedApi {
  url: string;
  /** Bodies of every createSession call. */
  created: Array<Record<string, unknown>>;
  /** Bodies of every sendMessage call. */
  sent: SendMessageRequest[];
  /** The error the next sendMessage calls answer with. */
  refuse: ErrorBody['error'] | null;
  /** Refuse WebSocket upgrades (and drop open sockets): the bot has no event stream. */
  setEvents(on: boolean): void;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

function sessionOf(id: string, peerId: string): Session {
  const at = new Date().toISOString();
  return {
    id,
    channel: 'telegram',
    peerId,
    title: null,
    projectId: null,
    agent: null,
    status: 'idle',
    version: 1,
    modelOverride: null,
    lastModelConfigId: null,
    effectiveModel: { modelConfigId: 'main', source: 'global', label: 'Main', warnings: [] },
    queueLength: 0,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
  };
}

async function startScriptedApi(): Promise<ScriptedApi> {
  const sessions = new Map<string, Session>();
  let events = true;
  const sockets = new Set<WsSocket>();
  const json = (res: import('node:http').ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const api: ScriptedApi = {
    url: '',
    created: [],
    sent: [],
    refuse: null,
    setEvents(on) {
      events = on;
      if (!on) for (const s of sockets) s.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { error: { code: 'UNAUTHORIZED', message: 'no' } });
    if (req.method === 'GET' && url.pathname === '/api/v1/health') return json(res, 200, { status: 'ok', version: 'test', uptimeSeconds: 1 });
    if (req.method === 'GET' && url.pathname === '/api/v1/sessions') return json(res, 200, { sessions: [...sessions.values()] });
    if (req.method === 'POST' && url.pathname === '/api/v1/sessions') {
      const b = await body(req);
      api.created.push(b);
      const peerId = String(b.peerId);
      const session = [...sessions.values()].find((s) => s.peerId === peerId) ?? sessionOf(`s-${sessions.size + 1}`, peerId);
      sessions.set(session.id, session);
      return json(res, 201, session);
    }
    const m = /^\/api\/v1\/sessions\/([^/]+)\/messages$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      api.sent.push((await body(req)) as unknown as SendMessageRequest);
      if (api.refuse) return json(res, 429, { error: api.refuse });
      return json(res, 500, { error: { code: 'INTERNAL', message: 'this stub only refuses' } });
    }
    if (m && req.method === 'GET') return json(res, 200, { sessionId: m[1], messages: [] });
    const cursor = /^\/api\/v1\/sessions\/([^/]+)\/delivery-cursors\/[^/]+$/.exec(url.pathname);
    if (cursor) return json(res, 200, { sessionId: cursor[1], consumer: 'telegram', version: 1, seq: 0, messageId: null, delivered: [], applied: true });
    return json(res, 404, { error: { code: 'NOT_FOUND', message: `${req.method} ${url.pathname}` } });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!events) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { id: number; method: string };
        ws.send(JSON.stringify({ id: frame.id, ok: true, result: frame.method === 'watch.subscribe' ? { subscriptionId: 'sub-1' } : {} }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

const RATE_LIMITED = { code: 'RATE_LIMITED' as const, message: 'over messagesPerMinute', details: { retryAfterSeconds: 37, limit: 'messagesPerMinute', personId: 'p-ann' } };
const BUDGET = {
  code: 'BUDGET_EXCEEDED' as const,
  message: 'over tokensPerDay',
  details: { limit: 'tokensPerDay', resetsAt: new Date(Date.now() + 3600_000).toISOString(), personId: 'p-ann', used: 1200, allowed: 1000 },
};
const resetsAt = (iso: string) => `${iso.slice(11, 16)} UTC`;

describe('Telegram: refusals by the limits, on every send path (scripted API)', () => {
  let tg: FakeBotApi;
  let api: ScriptedApi;
  let bot: RunningTelegram;

  beforeAll(async () => {
    tg = await startFakeBotApi();
    api = await startScriptedApi();
    const env = {
      TELEGRAM_BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.url,
      SWITCHBOARD_API_URL: api.url,
      SWITCHBOARD_API_TOKEN: TOKEN,
      TELEGRAM_ALLOW_FROM: String(ANN.id),
      TELEGRAM_ALLOW_GROUPS: String(GROUP),
      TELEGRAM_POLL_TIMEOUT_SECONDS: '1',
    };
    const sink = { write: () => undefined } as unknown as Writable;
    bot = await startTelegram({ env, logger: createLogger('debug', [tg.token, TOKEN], sink as never) });
  });
  afterAll(async () => {
    await bot?.stop();
    await tg?.close();
    await api?.close();
  });

  /** Sends a text and returns the bot's next message to that chat. */
  async function say(text: string, opts: { chatId?: number; chatType?: 'supergroup' } = {}): Promise<{ call: RecordedCall; messageId: number }> {
    const chatId = opts.chatId ?? ANN.id;
    const before = tg.callsOf('sendMessage').length;
    const { messageId } = tg.sendText({ text, chatId, ...(opts.chatType ? { chatType: opts.chatType } : {}), from: { ...ANN, last_name: 'Lee' } });
    const call = await tg.waitFor(
      () => tg.callsOf('sendMessage').slice(before).find((c) => Number(c.payload.chat_id) === chatId),
      (c) => c !== undefined,
      `a message to chat ${chatId}`,
    );
    return { call: call!, messageId };
  }

  it('with the event stream: a member over messages-per-minute is told how long to wait, quoting their message', async () => {
    await tg.waitFor(() => bot.telegram.events.connected, (c) => c, 'the event stream');
    api.refuse = RATE_LIMITED;
    const { call, messageId } = await say('one more message');
    expect(call.payload.text).toBe("⏳ You're sending messages too fast — try again in 37 seconds.");
    expect(call.payload.reply_parameters).toMatchObject({ message_id: messageId });
    expect(api.sent.at(-1)).toEqual({ text: 'one more message', sender: { peerId: String(ANN.id), displayName: 'Ann Lee' } });
  });

  it('with the event stream: a spent daily budget says which allowance and when it resets; commands too', async () => {
    api.refuse = BUDGET;
    expect((await say('anything left?')).call.payload.text).toBe(`🪫 You've used today's allowance (tokens); it resets at ${resetsAt(BUDGET.details.resetsAt)}.`);
    // Commands go through the same send (with the speaker: /whoami answers for them).
    expect((await say('/whoami')).call.payload.text).toContain("You've used today's allowance");
    expect(api.sent.at(-1)).toMatchObject({ text: '/whoami', sender: { peerId: String(ANN.id) } });
  });

  it('in a group: the session is the group audience and the sender is the member who spoke', async () => {
    api.refuse = RATE_LIMITED;
    const { call } = await say('@switchboard_test_bot hello group', { chatId: GROUP, chatType: 'supergroup' });
    expect(call.payload.text).toBe("⏳ You're sending messages too fast — try again in 37 seconds.");
    expect(api.created.find((c) => c.peerId === String(GROUP))).toEqual({ channel: 'telegram', peerId: String(GROUP), group: String(GROUP) });
    expect(api.created.find((c) => c.peerId === String(ANN.id))).toEqual({ channel: 'telegram', peerId: String(ANN.id) });
    expect(api.sent.at(-1)).toEqual({ text: 'hello group', sender: { peerId: String(ANN.id), displayName: 'Ann Lee' } });
  });

  it('without the event stream (the wait: true path): the same words, for both limits', async () => {
    api.setEvents(false);
    await tg.waitFor(() => bot.telegram.events.connected, (c) => !c, 'the event stream to drop');
    api.refuse = RATE_LIMITED;
    const { call, messageId } = await say('while the stream is down');
    expect(call.payload.text).toBe("⏳ You're sending messages too fast — try again in 37 seconds.");
    expect(call.payload.reply_parameters).toMatchObject({ message_id: messageId });
    expect(api.sent.at(-1)).toMatchObject({ text: 'while the stream is down', wait: true, sender: { peerId: String(ANN.id), displayName: 'Ann Lee' } });

    api.refuse = BUDGET;
    expect((await say('and now?')).call.payload.text).toBe(`🪫 You've used today's allowance (tokens); it resets at ${resetsAt(BUDGET.details.resetsAt)}.`);
    api.setEvents(true);
  });
});
