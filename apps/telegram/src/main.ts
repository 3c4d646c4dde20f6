import { startTelegram, TelegramStartError } from './app';
import { loadTelegramConfig, TelegramConfigError } from './config';
import { createLogger } from './logger';

const SHUTDOWN_TIMEOUT_MS = 7000;

/** Entry point: `node apps/telegram/dist/main.js`. */
async function main(): Promise<void> {
  if (!process.env.TELEGRAM_BOT_TOKEN?.trim()) {
    console.error('TELEGRAM_BOT_TOKEN is not set: the Telegram bot is not started. Create a bot with @BotFather and set TELEGRAM_BOT_TOKEN.');
    process.exit(1);
  }
  let config;
  try {
    config = loadTelegramConfig(process.env);
  } catch (err) {
    if (err instanceof TelegramConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, [config.botToken, config.apiToken]);
  const fatal = (err: unknown) => {
    logger.fatal({ err: err instanceof Error ? err.message : String(err) }, 'the Telegram bot cannot continue');
    process.exit(1);
  };
  // Bounded whatever the peers do (an API or Bot API that is gone can leave a request hanging):
  // graceful first, then exit anyway. A signal during start-up stops at once.
  let running: Awaited<ReturnType<typeof startTelegram>> | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    if (!running) process.exit(0);
    setTimeout(() => {
      logger.error({ seconds: SHUTDOWN_TIMEOUT_MS / 1000 }, 'graceful shutdown took too long: exiting anyway');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Started through a shell (`npm run …`), a SIGTERM to npm can end the shell and leave this
  // process behind with a new parent: stop when the parent goes.
  const parent = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphanWatch);
    shutdown('parent exited');
  }, 1000);
  orphanWatch.unref();
  try {
    running = await startTelegram({ config, logger, onFatal: fatal });
  } catch (err) {
    if (err instanceof TelegramStartError) fatal(err);
    throw err;
  }
}

main().catch((err: unknown) => {
  // Secrets never reach this line: config errors name variables, not values.
  console.error('The Telegram bot failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
