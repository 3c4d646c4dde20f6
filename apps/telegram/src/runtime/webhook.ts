import { createServer, type Server } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from 'pino';
import type { BotContext } from '../bot/context';
import { ALLOWED_UPDATES } from './polling';

export interface WebhookOptions {
  url: string;
  secret: string;
  host: string;
  port: number;
  path: string;
  logger: Logger;
  describe: (err: unknown) => string;
}

export interface RunningWebhook {
  server: Server;
  /** The local address the webhook server listens on. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Webhook mode: registers the public URL with Telegram (with a secret token) and serves it on
 * a local HTTP server; requests without the secret get 401 and are never handled.
 */
export async function startWebhook(bot: Bot<BotContext>, options: WebhookOptions): Promise<RunningWebhook> {
  const { logger, describe } = options;
  const handle = webhookCallback(bot, 'http', { secretToken: options.secret, onTimeout: 'return', timeoutMilliseconds: 55_000 });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== options.path) {
      res.writeHead(404).end();
      return;
    }
    handle(req, res).catch((err: unknown) => {
      logger.warn({ err: describe(err) }, 'webhook update failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  await bot.api.setWebhook(options.url, { secret_token: options.secret, allowed_updates: [...ALLOWED_UPDATES] });
  logger.info({ url: options.url, listen: `${options.host}:${port}` }, 'webhook set; waiting for updates');
  return {
    server,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}${options.path}`,
    stop: () =>
      new Promise<void>((resolve) => {
        // The webhook stays registered: Telegram keeps updates until the next start.
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
