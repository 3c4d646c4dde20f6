import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, type MiddlewareFn } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { SwitchboardClient, type WebSocketConstructor } from '@switchboard/protocol';
import type { TelegramConfig } from '../config';
import { describeError, makeScrubber } from '../logger';
import type { Albums } from '../services/albums';
import { ApiEvents } from '../services/api-events';
import { Conversation } from '../services/conversation';
import { Outbox } from '../services/outbox';
import { ReplyRelay } from '../services/reply-relay';
import { SessionDirectory } from '../services/session-directory';
import { Typing } from '../services/typing';
import type { BotContext } from './context';
import { friendlyError } from './errors';
import { accessFeature } from './features/access';
import { commandsFeature } from './features/commands';
import { filesFeature } from './features/files';
import { mediaFeature } from './features/media';
import { modelPickerFeature } from './features/model-picker';
import { textFeature } from './features/text';
import { unhandledFeature } from './features/unhandled';
import { voiceFeature } from './features/voice';

export interface CreateBotOptions {
  config: TelegramConfig;
  logger: Logger;
  /** The API client (defaults to one built from the config). */
  client?: SwitchboardClient;
  /** Skips getMe (tests, or when the bot's identity is known). */
  botInfo?: UserFromGetMe;
}

/** The bot and the services around it; nothing runs until the caller starts it. */
export interface TelegramBot {
  bot: Bot<BotContext>;
  client: SwitchboardClient;
  events: ApiEvents;
  relay: ReplyRelay;
  outbox: Outbox;
  /** Albums being gathered (sent on stop). */
  albums: Albums;
  describe: (err: unknown) => string;
}

/**
 * Builds the bot: the API client, the one event stream, the relay that turns events into
 * messages, and the features — the access gate first, `unhandled` last, all behind an error
 * boundary that answers with a friendly line. Nothing is started here.
 */
export function createBot({ config, logger, client, botInfo }: CreateBotOptions): TelegramBot {
  const scrub = makeScrubber([config.botToken, config.apiToken, ...(config.webhook ? [config.webhook.secret] : [])]);
  const describe = (err: unknown) => describeError(err, scrub);
  const api = client ?? new SwitchboardClient({ baseUrl: config.apiUrl, token: config.apiToken, WebSocket: WebSocket as unknown as WebSocketConstructor, timeoutMs: 60_000 });

  const bot = new Bot<BotContext>(config.botToken, { client: { apiRoot: config.apiRoot }, ...(botInfo ? { botInfo } : {}) });
  // 429s wait for Telegram's retry_after; network errors fail fast (the poller has its own backoff).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  // Outermost: every call to a chat passes the bot-wide throttle, so a burst across many chats stays under Telegram's global limit.
  bot.api.config.use(apiThrottler(throttleLimits(config.globalRatePerSecond)));

  const events = new ApiEvents({ client: api, logger, describe });
  const outbox = new Outbox(bot.api, logger, describe);
  const typing = new Typing(bot.api);
  const sessions = new SessionDirectory(api);
  const relay = new ReplyRelay({
    api: bot.api,
    client: api,
    events,
    outbox,
    typing,
    sessions,
    logger,
    describe,
    editIntervalMs: config.editIntervalMs,
    groupEditIntervalMs: config.groupEditIntervalMs,
    streaming: config.streaming,
    consumer: config.deliveryConsumer,
    catchUpMs: config.catchUpMs,
  });
  const conversation = new Conversation({ client: api, sessions, relay, outbox, typing, logger, describe });

  // One update at a time per chat: messages reach the API (and its queue) in the order sent.
  bot.use(sequentialize((ctx: BotContext) => (ctx.chat ? [String(ctx.chat.id)] : undefined)));
  // Edits of earlier messages and channel posts are not conversation: ignored on purpose.
  bot.on(['edited_message', 'edited_channel_post', 'channel_post', 'edited_business_message'], () => undefined);
  bot.use(errorBoundary(logger, describe, outbox));
  bot.use(accessFeature({ config, client: api, outbox, logger }));
  const files = filesFeature({ config, client: api, conversation, outbox, typing, logger, describe });
  bot.use(files.settle);
  bot.use(commandsFeature(conversation));
  bot.use(modelPickerFeature(api, conversation));
  bot.use(voiceFeature({ config, client: api, conversation, outbox, typing, logger }));
  bot.use(textFeature(conversation, outbox));
  bot.use(files.composer);
  bot.use(mediaFeature(outbox));
  bot.use(unhandledFeature(logger));
  bot.catch((err) => logger.error({ updateId: err.ctx.update.update_id, err: describe(err.error) }, 'update failed'));

  return { bot, client: api, events, relay, outbox, albums: files.albums, describe };
}

/**
 * The throttle's limits: bot-wide at most `perSecond` calls to chats in any second (a
 * reservoir refilled every second, spread by a minimum gap), and one call at a time per chat.
 * Per-chat pacing is the relay's (edit intervals) and the outbox's (order); Telegram's 429s
 * that still come are waited out by autoRetry.
 */
export function throttleLimits(perSecond: number) {
  const global = { reservoir: perSecond, reservoirRefreshAmount: perSecond, reservoirRefreshInterval: 1000, minTime: Math.floor(1000 / perSecond) };
  return { global, group: { maxConcurrent: 1 }, out: { maxConcurrent: 1 } };
}

/** Turns a failure while handling an update into a friendly line for the user, and a log line. */
function errorBoundary(logger: Logger, describe: (err: unknown) => string, outbox: Outbox): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const text = friendlyError(err);
      logger.warn({ updateId: ctx.update.update_id, chatId: ctx.chat?.id, err: describe(err) }, 'handling an update failed');
      if (!text || !ctx.chat) return;
      try {
        if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: text.slice(0, 200), show_alert: true });
        else if (ctx.sb) await outbox.sendPlain(ctx.sb.target, text, { replyTo: ctx.msg?.message_id });
        else await ctx.reply(text);
      } catch (replyErr) {
        logger.warn({ chatId: ctx.chat.id, err: describe(replyErr) }, 'could not tell the user about the failure');
      }
    }
  };
}
