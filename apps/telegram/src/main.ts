import { startTelegram, TelegramStartError } from './app';
import { loadTelegramConfig, TelegramConfigError } from './config';
import { createLogger } from './logger';

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
  let running;
  try {
    running = await startTelegram({ config, logger, onFatal: fatal });
  } catch (err) {
    if (err instanceof TelegramStartError) fatal(err);
    throw err;
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Secrets never reach this line: config errors name variables, not values.
  console.error('The Telegram bot failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
