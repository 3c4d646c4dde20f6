import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';
import { EntityParseError, parseTelegramHtml } from './telegram-html';

/** One Bot API call the bot made, with what the fake answered. */
export interface RecordedCall {
  method: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary Bot API fields
  payload: Record<string, any>;
  at: number;
  ok: boolean;
  description?: string;
  /** What the call answered, once it has (a sendMessage's Message, say). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bot API results are loose JSON
  result?: any;
}

export interface InjectedError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

/** A message as the chat shows it now (after edits), for asserting on the final state. */
export interface ShownMessage {
  chatId: number;
  messageId: number;
  text: string;
  parseMode?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inline keyboards as sent
  replyMarkup?: any;
  threadId?: number;
  replyTo?: number;
  edits: number;
}

export interface SendTextInput {
  text: string;
  chatId?: number;
  from?: Partial<User>;
  chatType?: 'private' | 'group' | 'supergroup';
  threadId?: number;
  /** Reply to this message (from the bot unless `replyToFrom` says otherwise). */
  replyTo?: number;
  replyToFrom?: Partial<User>;
}

export const TEST_BOT: UserFromGetMe = {
  id: 999_000,
  is_bot: true,
  first_name: 'Switchboard',
  username: 'switchboard_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export const ANN: User = { id: 1001, is_bot: false, first_name: 'Ann', username: 'ann' };

export interface FakeBotApi {
  /** The apiRoot to give grammY (no trailing slash). */
  readonly url: string;
  readonly token: string;
  readonly bot: UserFromGetMe;
  readonly calls: RecordedCall[];
  callsOf(method: string): RecordedCall[];
  /** Pushes an update for getUpdates; returns its update_id. */
  pushUpdate(update: Omit<Update, 'update_id'>): number;
  /** A user's text message (with bot_command and mention entities, as Telegram sends them). */
  sendText(input: SendTextInput): { updateId: number; messageId: number; chatId: number };
  pushCallback(input: { chatId: number; messageId: number; data: string; from?: Partial<User>; chatType?: 'private' | 'supergroup' }): number;
  pushVoice(input: { chatId?: number; from?: Partial<User>; fileId: string; duration?: number; fileSize?: number }): { messageId: number };
  pushMessage(fields: Omit<Partial<Message>, 'from'> & { chatId?: number; from?: Partial<User> }): { messageId: number };
  /**
   * Registers a downloadable file (getFile + /file/bot<token>/<path>), under `path` (default
   * `voice/<id>.oga`). `tooBig`: getFile refuses it as Telegram does past 20 MB.
   */
  addFile(fileId: string, content: Buffer, options?: { path?: string; tooBig?: boolean }): void;
  /** A photo (Telegram's sizes of it, smallest first), optionally with a caption and in an album. */
  pushPhoto(input: { chatId?: number; from?: Partial<User>; sizes: Array<{ fileId: string; width: number; height: number; fileSize?: number }>; caption?: string; mediaGroupId?: string }): { messageId: number };
  /** A document (a file sent as a file), optionally with a caption and in an album. */
  pushDocument(input: { chatId?: number; from?: Partial<User>; fileId: string; fileName?: string; mimeType?: string; fileSize?: number; caption?: string; mediaGroupId?: string }): { messageId: number };
  /** The next calls of `method` fail with this error (`times` of them). */
  failNext(method: string, error: InjectedError, times?: number): void;
  /**
   * Telegram's bot-wide flood limit: past `perSecond` calls to chats in any second, calls
   * answer 429 (counted in `floodErrors`); null turns it off.
   */
  floodLimit(perSecond: number | null): void;
  readonly floodErrors: number;
  /** The native draft a private chat shows now (sendMessageDraft), if any: gone once the bot sends a message there. */
  draftShown(chatId: number): { draftId: number; text: string } | undefined;
  /** Makes getUpdates hang (never answer) until turned off. */
  stallPolling(on: boolean): void;
  /** How many getUpdates calls have arrived. */
  readonly getUpdatesCount: number;
  /** Messages as the chat shows them now, oldest first. */
  shown(chatId: number): ShownMessage[];
  waitFor<T>(fn: () => T, predicate: (v: T) => boolean, what: string, timeoutMs?: number): Promise<T>;
  /** Resolves with the first call of `method` (after `after` calls) that matches. */
  waitForCall(method: string, match?: (c: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /**
   * The first message sent to `chatId` after the first `since` sendMessage calls, once complete:
   * a streamed reply may be sent early as a draft (ending " …") and edited to its end.
   */
  waitForReply(chatId: number, since: number): Promise<{ call: RecordedCall; text: string }>;
  close(): Promise<void>;
}

const TOKEN = '123456789:AAFakeTokenForTests_abcdefghijklmnopq';

function entitiesOf(text: string, botUsername: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[a-z0-9_]+(@[a-z0-9_]+)?/i.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/@[a-z0-9_]{3,}/gi)) {
    if (command && m.index! < command[0].length) continue;
    entities.push({ type: 'mention', offset: m.index!, length: m[0].length });
  }
  void botUsername;
  return entities;
}

/**
 * A fake Telegram Bot API on 127.0.0.1 for tests of the real grammY bot: getUpdates long
 * polling fed by pushed updates, every call recorded, sendMessage/editMessageText checked
 * the way Telegram checks them (HTML parsing, 4,096-character limit, "not modified"),
 * native drafts (sendMessageDraft, private chats only), Telegram's bot-wide flood limit on
 * demand, injectable errors (429 with retry_after) and a polling stall; unknown methods answer
 * `{ ok: true, result: true }`.
 */
export async function startFakeBotApi(options: { token?: string; bot?: UserFromGetMe } = {}): Promise<FakeBotApi> {
  const token = options.token ?? TOKEN;
  const bot = options.bot ?? TEST_BOT;
  const calls: RecordedCall[] = [];
  const updates: Update[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let getUpdatesCount = 0;
  let stalled = false;
  let flood: number | null = null;
  let floodErrors = 0;
  const chatCalls: number[] = [];
  const drafts = new Map<number, { draftId: number; text: string }>();
  const waiting = new Set<() => void>();
  const failures = new Map<string, Array<InjectedError>>();
  const files = new Map<string, { path: string; content: Buffer; tooBig: boolean }>();
  const messages = new Map<string, ShownMessage>();
  const key = (chatId: number, messageId: number) => `${chatId}/${messageId}`;
  const chatTypeOf = (chatId: number) => (chatId < 0 ? 'supergroup' : 'private');

  const wake = () => {
    for (const w of [...waiting]) w();
  };

  function userOf(from?: Partial<User>): User {
    return { ...ANN, ...from } as User;
  }

  function chatOf(chatId: number, type?: string) {
    const t = type ?? chatTypeOf(chatId);
    return t === 'private' ? { id: chatId, type: 'private' as const, first_name: 'Chat' } : { id: chatId, type: t as 'supergroup', title: 'Group', ...(t === 'supergroup' ? { is_forum: true } : {}) };
  }

  const api: FakeBotApi = {
    url: '',
    token,
    bot,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    get getUpdatesCount() {
      return getUpdatesCount;
    },
    get floodErrors() {
      return floodErrors;
    },
    floodLimit(perSecond) {
      flood = perSecond;
    },
    draftShown: (chatId) => drafts.get(chatId),
    pushUpdate(update) {
      const full = { ...update, update_id: nextUpdateId++ } as Update;
      updates.push(full);
      wake();
      return full.update_id;
    },
    sendText(input) {
      const from = userOf(input.from);
      const chatId = input.chatId ?? from.id;
      const messageId = nextMessageId++;
      const replyTo = input.replyTo
        ? {
            message_id: input.replyTo,
            date: 0,
            chat: chatOf(chatId, input.chatType),
            from: input.replyToFrom ? userOf(input.replyToFrom) : (bot as User),
            text: messages.get(key(chatId, input.replyTo))?.text ?? '...',
          }
        : undefined;
      const entities = entitiesOf(input.text, bot.username);
      const message = {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: chatOf(chatId, input.chatType),
        from,
        text: input.text,
        ...(entities.length ? { entities } : {}),
        ...(input.threadId ? { message_thread_id: input.threadId, is_topic_message: true } : {}),
        ...(replyTo ? { reply_to_message: replyTo } : {}),
      };
      const updateId = api.pushUpdate({ message } as unknown as Omit<Update, 'update_id'>);
      return { updateId, messageId, chatId };
    },
    pushCallback(input) {
      const from = userOf(input.from);
      const shown = messages.get(key(input.chatId, input.messageId));
      return api.pushUpdate({
        callback_query: {
          id: `cb${nextUpdateId}`,
          from,
          chat_instance: 'ci',
          data: input.data,
          message: {
            message_id: input.messageId,
            date: 0,
            chat: chatOf(input.chatId, input.chatType),
            from: bot as User,
            text: shown?.text ?? '',
          },
        },
      } as unknown as Omit<Update, 'update_id'>);
    },
    pushVoice(input) {
      return api.pushMessage({
        chatId: input.chatId,
        from: input.from,
        voice: { file_id: input.fileId, file_unique_id: `u-${input.fileId}`, duration: input.duration ?? 3, mime_type: 'audio/ogg', ...(input.fileSize ? { file_size: input.fileSize } : {}) },
      });
    },
    pushMessage(fields) {
      const { chatId: cid, from: f, ...rest } = fields;
      const from = userOf(f);
      const chatId = cid ?? from.id;
      const messageId = nextMessageId++;
      api.pushUpdate({ message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: chatOf(chatId), from, ...rest } } as unknown as Omit<Update, 'update_id'>);
      return { messageId };
    },
    addFile(fileId, content, options = {}) {
      files.set(fileId, { path: options.path ?? `voice/${fileId}.oga`, content, tooBig: options.tooBig ?? false });
    },
    pushPhoto(input) {
      return api.pushMessage({
        chatId: input.chatId,
        from: input.from,
        photo: input.sizes.map((p) => ({ file_id: p.fileId, file_unique_id: `u-${p.fileId}`, width: p.width, height: p.height, ...(p.fileSize !== undefined ? { file_size: p.fileSize } : {}) })),
        ...(input.caption !== undefined ? { caption: input.caption } : {}),
        ...(input.mediaGroupId ? { media_group_id: input.mediaGroupId } : {}),
      });
    },
    pushDocument(input) {
      return api.pushMessage({
        chatId: input.chatId,
        from: input.from,
        document: {
          file_id: input.fileId,
          file_unique_id: `u-${input.fileId}`,
          ...(input.fileName !== undefined ? { file_name: input.fileName } : {}),
          ...(input.mimeType !== undefined ? { mime_type: input.mimeType } : {}),
          ...(input.fileSize !== undefined ? { file_size: input.fileSize } : {}),
        },
        ...(input.caption !== undefined ? { caption: input.caption } : {}),
        ...(input.mediaGroupId ? { media_group_id: input.mediaGroupId } : {}),
      });
    },
    failNext(method, error, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(error);
      failures.set(method, list);
    },
    stallPolling(on) {
      stalled = on;
      if (!on) wake();
    },
    shown: (chatId) =>
      [...messages.values()].filter((m) => m.chatId === chatId).sort((a, b) => a.messageId - b.messageId),
    async waitFor(fn, predicate, what, timeoutMs = 10_000) {
      const start = Date.now();
      let last = fn();
      while (!predicate(last)) {
        if (Date.now() - start > timeoutMs) {
          const recent = calls.slice(-8).map((c) => `${c.method} ${JSON.stringify(c.payload).slice(0, 160)}`);
          throw new Error(`Timed out waiting for ${what}. Last calls:\n  ${recent.join('\n  ')}`);
        }
        await new Promise((r) => setTimeout(r, 10));
        last = fn();
      }
      return last;
    },
    async waitForCall(method, match = () => true, timeoutMs = 10_000) {
      const found = await api.waitFor(() => calls.find((c) => c.method === method && match(c)), (c) => c !== undefined, `a ${method} call`, timeoutMs);
      return found!;
    },
    async waitForReply(chatId, since) {
      const call = (await api.waitFor(
        () => api.callsOf('sendMessage').slice(since).find((c) => Number(c.payload.chat_id) === chatId && c.result !== undefined),
        (c) => c !== undefined,
        `a message to chat ${chatId}`,
      ))!;
      const messageId = Number(call.result.message_id);
      const shownText = () => messages.get(key(chatId, messageId))?.text ?? '';
      const text = await api.waitFor(shownText, (x) => x !== '' && !x.endsWith(' …'), `the message to chat ${chatId} to be complete`);
      return { call, text };
    },
    async close() {
      stalled = false;
      wake();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  // ---------------------------------------------------------------- methods

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bot API payloads are loose JSON
  type Payload = Record<string, any>;
  class BadRequest extends Error {}

  function visibleText(p: Payload): { text: string; parseMode?: string } {
    const raw = String(p.text ?? '');
    let text = raw;
    if (p.parse_mode === 'HTML') {
      try {
        text = parseTelegramHtml(raw);
      } catch (err) {
        if (err instanceof EntityParseError) throw new BadRequest(`Bad Request: can't parse entities: ${err.message}`);
        throw err;
      }
    } else if (p.parse_mode) {
      throw new BadRequest(`Bad Request: unsupported parse_mode in this fake: ${p.parse_mode}`);
    }
    if (text.trim() === '') throw new BadRequest('Bad Request: message text is empty');
    if (text.length > 4096) throw new BadRequest('Bad Request: message is too long');
    return { text, ...(p.parse_mode ? { parseMode: p.parse_mode } : {}) };
  }

  function messageOf(m: ShownMessage) {
    return {
      message_id: m.messageId,
      date: Math.floor(Date.now() / 1000),
      chat: chatOf(m.chatId),
      from: bot,
      text: m.text,
      ...(m.threadId ? { message_thread_id: m.threadId, is_topic_message: true } : {}),
      ...(m.replyMarkup ? { reply_markup: m.replyMarkup } : {}),
    };
  }

  async function getUpdates(p: Payload, res: ServerResponse): Promise<unknown> {
    getUpdatesCount++;
    const offset = Number(p.offset ?? 0);
    const limit = Number(p.limit ?? 100);
    // Confirmed updates are gone for good, as with Telegram.
    while (updates.length && updates[0].update_id < offset) updates.shift();
    const ready = () => updates.filter((u) => u.update_id >= offset).slice(0, limit);
    if (stalled || ready().length === 0) {
      const timeoutMs = Number(p.timeout ?? 0) * 1000;
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(t);
          waiting.delete(done);
          res.off('close', finish);
          resolve();
        };
        const done = () => {
          if (!stalled) finish(); // a stalled poll never answers, whatever arrives
        };
        const t = setTimeout(done, stalled ? 2 ** 31 - 1 : timeoutMs);
        waiting.add(done);
        // The client gave up (aborted): stop holding the call.
        res.once('close', finish);
      });
    }
    return ready();
  }

  async function call(method: string, p: Payload, res: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return bot;
      case 'getUpdates':
        return getUpdates(p, res);
      case 'sendMessageDraft': {
        // As Telegram: private chats only, a non-zero draft id; an empty text shows "Thinking…".
        if (chatTypeOf(Number(p.chat_id)) !== 'private') throw new BadRequest('Bad Request: TEXTDRAFT_PEER_INVALID');
        if (!Number.isInteger(Number(p.draft_id)) || Number(p.draft_id) === 0) throw new BadRequest('Bad Request: draft_id must be non-zero');
        const text = String(p.text ?? '') === '' ? '' : visibleText(p).text;
        drafts.set(Number(p.chat_id), { draftId: Number(p.draft_id), text });
        return true;
      }
      case 'sendMessage': {
        const { text, parseMode } = visibleText(p);
        drafts.delete(Number(p.chat_id));
        const m: ShownMessage = {
          chatId: Number(p.chat_id),
          messageId: nextMessageId++,
          text,
          ...(parseMode ? { parseMode } : {}),
          ...(p.reply_markup ? { replyMarkup: p.reply_markup } : {}),
          ...(p.message_thread_id ? { threadId: p.message_thread_id } : {}),
          ...(p.reply_parameters?.message_id ? { replyTo: p.reply_parameters.message_id } : {}),
          edits: 0,
        };
        messages.set(key(m.chatId, m.messageId), m);
        return messageOf(m);
      }
      case 'editMessageText': {
        const m = messages.get(key(Number(p.chat_id), Number(p.message_id)));
        if (!m) throw new BadRequest('Bad Request: message to edit not found');
        const { text, parseMode } = visibleText(p);
        if (text === m.text && JSON.stringify(p.reply_markup ?? null) === JSON.stringify(m.replyMarkup ?? null) && parseMode === m.parseMode) {
          throw new BadRequest(
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
        }
        m.text = text;
        if (parseMode) m.parseMode = parseMode;
        else delete m.parseMode;
        if (p.reply_markup) m.replyMarkup = p.reply_markup;
        m.edits++;
        return messageOf(m);
      }
      case 'deleteMessage':
        messages.delete(key(Number(p.chat_id), Number(p.message_id)));
        return true;
      case 'getFile': {
        const f = files.get(String(p.file_id));
        if (!f) throw new BadRequest('Bad Request: invalid file_id');
        if (f.tooBig) throw new BadRequest('Bad Request: file is too big');
        return { file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_size: f.content.length, file_path: f.path };
      }
      default:
        // sendChatAction, setMyCommands, deleteWebhook, setWebhook, answerCallbackQuery, ...
        return true;
    }
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      const found = [...files.values()].find((f) => f.path === file[2]);
      if (file[1] !== token || !found) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(found.content);
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2];
    const text = await readBody(req);
    const payload: Payload = text ? JSON.parse(text) : Object.fromEntries(url.searchParams);
    const record: RecordedCall = { method, payload, at: Date.now(), ok: true };
    calls.push(record);
    if (flood !== null && payload.chat_id !== undefined) {
      const now = Date.now();
      while (chatCalls.length && chatCalls[0] <= now - 1000) chatCalls.shift();
      if (chatCalls.length >= flood) {
        floodErrors++;
        record.ok = false;
        record.description = 'Too Many Requests: retry after 1';
        return send(res, 429, { ok: false, error_code: 429, description: record.description, parameters: { retry_after: 1 } });
      }
      chatCalls.push(now);
    }
    const injected = failures.get(method)?.shift();
    if (injected) {
      record.ok = false;
      record.description = injected.description;
      return send(res, injected.error_code, { ok: false, ...injected });
    }
    try {
      const result = await call(method, payload, res);
      record.result = result;
      send(res, 200, { ok: true, result });
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      record.ok = false;
      record.description = err.message;
      send(res, 400, { ok: false, error_code: 400, description: err.message });
    }
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => send(res, 500, { ok: false, error_code: 500, description: String(err) }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  (api as { url: string }).url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return api;
}
