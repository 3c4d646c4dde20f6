import { GrammyError, type Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import { COMMANDS } from '@switchboard/session';
import type { BotContext } from './bot/context';
import { createBot, type TelegramBot } from './bot/create-bot';
import { loadTelegramConfig, type TelegramConfig } from './config';
import { createLogger } from './logger';
import { startPolling, type Polling } from './runtime/polling';
import { startWebhook, type RunningWebhook } from './runtime/webhook';

export interface StartTelegramOptions {
  /** Environment to read (defaults to process.env); ignored when `config` is given. */
  env?: Record<string, string | undefined>;
  config?: TelegramConfig;
  logger?: Logger;
  botInfo?: UserFromGetMe;
  /** Called when the bot cannot go on (Telegram rejected the token while polling). */
  onFatal?: (err: unknown) => void;
}

export interface RunningTelegram {
  config: TelegramConfig;
  telegram: TelegramBot;
  bot: Bot<BotContext>;
  mode: 'polling' | 'webhook';
  polling: Polling | null;
  webhook: RunningWebhook | null;
  /** Graceful stop: no new updates, in-flight ones finished, pending sends flushed, sockets closed. */
  stop(): Promise<void>;
}

export class TelegramStartError extends Error {
  override name = 'TelegramStartError';
}

/** The commands menu (with /whoami and /memory, answered by the API), from the one command list every door shares. */
export const BOT_COMMANDS = COMMANDS.map((c) => ({ command: c.name, description: c.description }));

async function initBot(bot: Bot<BotContext>, logger: Logger, describe: (err: unknown) => string): Promise<void> {
  let delay = 1000;
  for (;;) {
    try {
      await bot.init();
      return;
    } catch (err) {
      if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
        throw new TelegramStartError('Telegram rejected TELEGRAM_BOT_TOKEN: check the token from @BotFather.');
      }
      logger.warn({ err: describe(err), retryInMs: delay }, 'Telegram is not reachable; retrying');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

/** Validates the config, connects to Telegram and the API, and starts polling (or the webhook). */
export async function startTelegram(options: StartTelegramOptions = {}): Promise<RunningTelegram> {
  const config = options.config ?? loadTelegramConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.logLevel, [config.botToken, config.apiToken]);
  const telegram = createBot({ config, logger, ...(options.botInfo ? { botInfo: options.botInfo } : {}) });
  const { bot, client, events, describe } = telegram;

  await initBot(bot, logger, describe);
  logger.info({ bot: `@${bot.botInfo.username}`, api: config.apiUrl, dmPolicy: config.dmPolicy, allowFrom: config.allowFrom.size, allowGroups: config.allowGroups.size }, 'Telegram bot ready');
  try {
    await client.health();
  } catch (err) {
    logger.warn({ api: config.apiUrl, err: describe(err) }, 'the Switchboard API is not reachable yet; users are told it is unavailable until it is');
  }
  events.start();
  try {
    await bot.api.setMyCommands(BOT_COMMANDS);
  } catch (err) {
    logger.warn({ err: describe(err) }, 'could not register the command menu');
  }

  let polling: Polling | null = null;
  let webhook: RunningWebhook | null = null;
  if (config.webhook) {
    webhook = await startWebhook(bot, { ...config.webhook, logger, describe });
  } else {
    // A webhook left from an earlier run would make getUpdates fail with 409.
    await bot.api.deleteWebhook();
    polling = startPolling(bot, {
      timeoutSeconds: config.pollTimeoutSeconds,
      stallMs: config.pollStallMs,
      logger,
      describe,
      ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    });
  }

  let stopping: Promise<void> | null = null;
  return {
    config,
    telegram,
    bot,
    mode: webhook ? 'webhook' : 'polling',
    polling,
    webhook,
    stop() {
      stopping ??= (async () => {
        await polling?.stop();
        await webhook?.stop();
        // Albums still gathering are sent now, not lost (bounded, like the rest of the stop).
        await Promise.race([telegram.albums.drain(), new Promise((r) => setTimeout(r, 5000).unref?.())]);
        telegram.relay.stop();
        // Claims under way finish (their sends join the outbox), then everything queued is sent.
        const drained = telegram.relay.settle().then(() => telegram.outbox.drain());
        await Promise.race([drained, new Promise((r) => setTimeout(r, 5000).unref?.())]);
        events.stop();
        logger.info('Telegram bot stopped');
      })();
      return stopping;
    },
  };
}
