import { resolve } from 'node:path';
import { z } from 'zod';

/** The API's environment, validated once at start into a typed object. */
export interface ApiEnv {
  port: number;
  host: string;
  dataDir: string;
  configPath: string | null;
  apiToken: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The whole environment, for the provider shortcuts (OPENAI_API_KEY, ...) and `env:` references. */
  raw: Record<string, string | undefined>;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  SWITCHBOARD_CONFIG: z.string().min(1).optional(),
  SWITCHBOARD_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment:\n  ${issues.join('\n  ')}`);
    this.name = 'EnvError';
  }
}

/** Parses and validates the environment; throws EnvError naming each bad variable. */
export function loadApiEnv(env: Record<string, string | undefined>): ApiEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new EnvError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.SWITCHBOARD_DATA_DIR),
    configPath: e.SWITCHBOARD_CONFIG ? resolve(e.SWITCHBOARD_CONFIG) : null,
    apiToken: e.SWITCHBOARD_API_TOKEN ?? null,
    logLevel: e.LOG_LEVEL,
    raw: env,
  };
}
