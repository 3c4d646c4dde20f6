import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** The bot's environment, validated once at start into a typed object. */
export interface TelegramConfig {
  botToken: string;
  /** Bot API root: Telegram's, or a self-hosted Bot API server. */
  apiRoot: string;
  apiUrl: string;
  apiToken: string;
  /** User ids always let in (DMs), without pairing. */
  allowFrom: ReadonlySet<number>;
  /** Group chat ids the bot answers in (when mentioned or replied to). */
  allowGroups: ReadonlySet<number>;
  /** `pairing`: strangers get a one-time code for an admin to approve; `allowlist`: only TELEGRAM_ALLOW_FROM. */
  dmPolicy: 'pairing' | 'allowlist';
  webhook: { url: string; secret: string; host: string; port: number; path: string } | null;
  /** Long-poll timeout of getUpdates, in seconds. */
  pollTimeoutSeconds: number;
  /** A getUpdates call outstanding this long is a stall: it is aborted and polling restarts. */
  pollStallMs: number;
  /** Minimum time between two edits of a streamed reply (Telegram allows about one message per second per chat). */
  editIntervalMs: number;
  /** The same for groups (Telegram allows about 20 messages per minute per group). */
  groupEditIntervalMs: number;
  /** `draft`: native drafts (sendMessageDraft) in private chats and edits in groups; `edit`: edits everywhere. */
  streaming: 'draft' | 'edit';
  /** Bot-wide cap on Bot API calls to chats per second (Telegram allows about 30). */
  globalRatePerSecond: number;
  /** A chat the bot never delivered to is caught up this far back (ms), e.g. a job's first reply while the bot was down. */
  catchUpMs: number;
  /** The name of the bot's delivery cursors in the API (one per bot when several bots share an API). */
  deliveryConsumer: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class TelegramConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid Telegram bot configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'TelegramConfigError';
  }
}

const idList = (what: string) =>
  z
    .string()
    .transform((s) => s.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(z.string().regex(/^-?\d{1,20}$/, `must be comma-separated numeric ${what}`)))
    .transform((ids) => new Set(ids.map(Number)));

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envSchema = z.object({
  // The token is checked for shape only; its value never appears in a message or a log line.
  TELEGRAM_BOT_TOKEN: z.string({ error: 'is required (from @BotFather)' }).regex(/^\d+:[A-Za-z0-9_-]+$/, 'does not look like a bot token (123456:ABC...)'),
  TELEGRAM_API_ROOT: httpUrl.default('https://api.telegram.org'),
  SWITCHBOARD_API_URL: httpUrl.optional(),
  SWITCHBOARD_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  TELEGRAM_ALLOW_FROM: idList('user ids').optional(),
  TELEGRAM_ALLOW_GROUPS: idList('chat ids').optional(),
  TELEGRAM_DM_POLICY: z.enum(['pairing', 'allowlist']).default('pairing'),
  TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be the public https URL Telegram posts updates to' }).optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  TELEGRAM_WEBHOOK_HOST: z.string().min(1).default('127.0.0.1'),
  TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  TELEGRAM_POLL_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(50).default(30),
  TELEGRAM_POLL_STALL_MS: z.coerce.number().int().min(100).optional(),
  TELEGRAM_EDIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  TELEGRAM_GROUP_EDIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  TELEGRAM_STREAMING: z.enum(['draft', 'edit']).default('draft'),
  TELEGRAM_GLOBAL_RATE: z.coerce.number().int().min(1).max(1000).default(25),
  TELEGRAM_CATCH_UP_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  TELEGRAM_DELIVERY_CONSUMER: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'must be 1-40 characters of a-z, 0-9, _, . and -')
    .default('telegram'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * Parses and validates the environment; throws TelegramConfigError naming each bad variable
 * (never echoing a value). Without SWITCHBOARD_API_TOKEN the API's token file is read, as the CLI does.
 */
export function loadTelegramConfig(env: Record<string, string | undefined>): TelegramConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) throw new TelegramConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? 'environment')}: ${i.message}`));
  const e = parsed.data;
  const apiToken = e.SWITCHBOARD_API_TOKEN ?? readTokenFile(e.SWITCHBOARD_DATA_DIR);
  if (!apiToken) {
    throw new TelegramConfigError([
      `SWITCHBOARD_API_TOKEN: is required (or run where ${join(e.SWITCHBOARD_DATA_DIR, 'api-token')} exists)`,
    ]);
  }
  let webhook: TelegramConfig['webhook'] = null;
  if (e.TELEGRAM_WEBHOOK_URL) {
    webhook = {
      url: e.TELEGRAM_WEBHOOK_URL,
      // Without a configured secret a fresh one is made per start: setWebhook hands it to Telegram.
      secret: e.TELEGRAM_WEBHOOK_SECRET ?? randomSecret(),
      host: e.TELEGRAM_WEBHOOK_HOST,
      port: e.TELEGRAM_WEBHOOK_PORT,
      path: new URL(e.TELEGRAM_WEBHOOK_URL).pathname,
    };
  }
  return {
    botToken: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
    apiUrl: (e.SWITCHBOARD_API_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    apiToken,
    allowFrom: e.TELEGRAM_ALLOW_FROM ?? new Set(),
    allowGroups: e.TELEGRAM_ALLOW_GROUPS ?? new Set(),
    dmPolicy: e.TELEGRAM_DM_POLICY,
    webhook,
    pollTimeoutSeconds: e.TELEGRAM_POLL_TIMEOUT_SECONDS,
    pollStallMs: e.TELEGRAM_POLL_STALL_MS ?? e.TELEGRAM_POLL_TIMEOUT_SECONDS * 1000 + 15_000,
    editIntervalMs: e.TELEGRAM_EDIT_INTERVAL_MS,
    groupEditIntervalMs: e.TELEGRAM_GROUP_EDIT_INTERVAL_MS,
    streaming: e.TELEGRAM_STREAMING,
    globalRatePerSecond: e.TELEGRAM_GLOBAL_RATE,
    catchUpMs: e.TELEGRAM_CATCH_UP_MINUTES * 60_000,
    deliveryConsumer: e.TELEGRAM_DELIVERY_CONSUMER,
    logLevel: e.LOG_LEVEL,
  };
}

function readTokenFile(dataDir: string): string | null {
  const file = join(resolve(dataDir), 'api-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || null : null;
}

function randomSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}
