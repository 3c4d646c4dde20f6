import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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
  /** Abuse limits (0 = off); the defaults never bother one owner's normal use. */
  limits: ApiLimits;
  /** Seconds a SIGTERM waits for a graceful stop before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  /** PostgreSQL when a URL is given (several replicas may share it); else SQLite in the data directory. */
  database: ApiDatabaseEnv;
  /** This process among the replicas sharing a PostgreSQL database. */
  replica: ApiReplicaEnv;
  /** The whole environment, for the provider shortcuts (OPENAI_API_KEY, ...) and `env:` references. */
  raw: Record<string, string | undefined>;
}

export interface ApiLimits {
  /** Requests per minute with the token. */
  requestsPerMinute: number;
  /** Failed authentications per client address per minute, then that address waits out the minute. */
  authFailuresPerMinute: number;
  /** Open WebSocket connections in all, and of those not yet authenticated. */
  wsMaxConnections: number;
  wsMaxUnauthenticated: number;
  /** `watch.subscribe` subscriptions one connection may hold. */
  wsMaxSubscriptions: number;
  /** A socket that has not authenticated within this time is closed. */
  wsAuthTimeoutMs: number;
}

export interface ApiDatabaseEnv {
  /** `postgres://…`, or null for the embedded SQLite file. */
  url: string | null;
  /** PostgreSQL connections this process keeps at most. */
  poolSize: number;
  /** A statement running longer is cancelled by PostgreSQL (0 = no limit). */
  statementTimeoutMs: number;
}

export interface ApiReplicaEnv {
  /** Names this process in turn leases and logs (default: host name, process id and a random suffix). */
  id: string;
  /** A running turn's lease lasts this long unless renewed (renewed every third of it); another replica recovers it after. */
  turnLeaseSeconds: number;
  /**
   * On a shared database, how often a replica re-reads what it keeps in memory (people, jobs):
   * the cluster bus tells it about changes at once; this bounds staleness when a message is lost.
   */
  rescanSeconds: number;
}

const count = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000_000).default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  SWITCHBOARD_CONFIG: z.string().min(1).optional(),
  SWITCHBOARD_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWITCHBOARD_RATE_LIMIT_PER_MINUTE: count(3000),
  SWITCHBOARD_AUTH_FAILURES_PER_MINUTE: count(30),
  SWITCHBOARD_WS_MAX_CONNECTIONS: count(256),
  SWITCHBOARD_WS_MAX_UNAUTHENTICATED: count(32),
  SWITCHBOARD_WS_MAX_SUBSCRIPTIONS: count(64),
  SWITCHBOARD_WS_AUTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(7),
  DATABASE_URL: z
    .string()
    .min(1)
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite database)')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  SWITCHBOARD_REPLICA_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - (at most 100)').optional(),
  SWITCHBOARD_TURN_LEASE_SECONDS: z.coerce.number().int().min(3).max(600).default(15),
  SWITCHBOARD_RESCAN_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
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
    limits: {
      requestsPerMinute: e.SWITCHBOARD_RATE_LIMIT_PER_MINUTE,
      authFailuresPerMinute: e.SWITCHBOARD_AUTH_FAILURES_PER_MINUTE,
      wsMaxConnections: e.SWITCHBOARD_WS_MAX_CONNECTIONS,
      wsMaxUnauthenticated: e.SWITCHBOARD_WS_MAX_UNAUTHENTICATED,
      wsMaxSubscriptions: e.SWITCHBOARD_WS_MAX_SUBSCRIPTIONS,
      wsAuthTimeoutMs: e.SWITCHBOARD_WS_AUTH_TIMEOUT_MS,
    },
    shutdownTimeoutSeconds: e.SWITCHBOARD_SHUTDOWN_TIMEOUT_SECONDS,
    database: { url: e.DATABASE_URL ?? null, poolSize: e.DATABASE_POOL_SIZE, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS },
    replica: {
      id: e.SWITCHBOARD_REPLICA_ID ?? `${hostname().split('.')[0]}-${process.pid}-${randomBytes(3).toString('hex')}`,
      turnLeaseSeconds: e.SWITCHBOARD_TURN_LEASE_SECONDS,
      rescanSeconds: e.SWITCHBOARD_RESCAN_SECONDS,
    },
    raw: env,
  };
}
