import { createConcurrentSink, createRunner, createSource, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { BotContext } from '../bot/context';

/** The update types the bot asks for; anything else that still arrives is ignored safely. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface PollingOptions {
  timeoutSeconds: number;
  /** A getUpdates call outstanding longer than this is a stall: it is aborted and polling goes on. */
  stallMs: number;
  logger: Logger;
  describe: (err: unknown) => string;
  /** Called when polling cannot go on (Telegram rejected the token). */
  onFatal?: (err: unknown) => void;
}

export interface Polling {
  /** How many stalls were detected (and polling restarted). */
  readonly stalls: number;
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Long polling with @grammyjs/runner (updates handled concurrently, one chat at a time through
 * `sequentialize`), our own fetcher so the offset survives restarts, a capped backoff while
 * Telegram is unreachable, and a watchdog: a getUpdates call that hangs past the long-poll
 * timeout is aborted and polling starts over. A runner that dies is started again.
 */
export function startPolling(bot: Bot<BotContext>, options: PollingOptions): Polling {
  const { logger, describe } = options;
  let offset = 0;
  let inFlight: { since: number; abort: AbortController } | null = null;
  let stalls = 0;
  let stopped = false;
  let runner: RunnerHandle | null = null;

  async function fetchUpdates(batchSize: number, signal: AbortSignal): Promise<Update[]> {
    let delay = 500;
    for (;;) {
      const call = new AbortController();
      inFlight = { since: Date.now(), abort: call };
      try {
        const updates = await bot.api.getUpdates(
          { offset, limit: Math.max(1, Math.min(batchSize, 100)), timeout: options.timeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal with an older shim; at run time it is Node's own.
          AbortSignal.any([signal, call.signal]) as unknown as Parameters<typeof bot.api.getUpdates>[1],
        );
        const last = updates.at(-1);
        if (last) offset = last.update_id + 1;
        return updates;
      } catch (err) {
        if (signal.aborted) throw err;
        if (call.signal.aborted) continue; // the watchdog cut a stalled call: poll again at once
        if (err instanceof GrammyError && err.error_code === 401) {
          logger.fatal('Telegram rejected the bot token (401): check TELEGRAM_BOT_TOKEN');
          throw err;
        }
        const hint = err instanceof GrammyError && err.error_code === 409 ? 'another instance is polling, or a webhook is set' : undefined;
        logger.warn({ err: describe(err), retryInMs: delay, hint }, 'getUpdates failed; retrying');
        await sleep(delay, signal);
        if (signal.aborted) throw err;
        delay = Math.min(delay * 2, 30_000);
      } finally {
        inFlight = null;
      }
    }
  }

  const watchdog = setInterval(() => {
    if (!inFlight || Date.now() - inFlight.since <= options.stallMs) return;
    stalls++;
    logger.warn({ stalledMs: Date.now() - inFlight.since, stalls }, 'polling stalled; restarting it');
    inFlight.abort.abort();
    inFlight = null;
  }, Math.min(1000, Math.max(50, Math.floor(options.stallMs / 4))));
  watchdog.unref?.();

  const launch = () => {
    const source = createSource<Update>({ supply: (batch, signal) => fetchUpdates(batch, signal as unknown as AbortSignal) });
    const sink = createConcurrentSink<Update, unknown>({ consume: (update) => bot.handleUpdate(update) }, async (err) => {
      try {
        await bot.errorHandler(err as Parameters<typeof bot.errorHandler>[0]);
      } catch (e) {
        logger.error({ err: describe(e) }, 'the bot error handler failed');
      }
    });
    const handle = createRunner(source, sink);
    handle.start();
    runner = handle;
    handle.task()?.catch((err: unknown) => {
      if (stopped) return;
      if (err instanceof GrammyError && err.error_code === 401) {
        options.onFatal?.(err);
        return;
      }
      logger.error({ err: describe(err) }, 'polling stopped unexpectedly; starting it again');
      setTimeout(() => !stopped && launch(), 1000).unref?.();
    });
  };
  launch();
  logger.info({ timeoutSeconds: options.timeoutSeconds }, 'long polling started');

  return {
    get stalls() {
      return stalls;
    },
    async stop() {
      stopped = true;
      clearInterval(watchdog);
      // Waits for updates being handled; a hung call is cut by stop() itself.
      await runner?.stop();
    },
  };
}
