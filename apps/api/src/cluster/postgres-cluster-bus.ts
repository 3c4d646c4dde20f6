import type { Client } from 'pg';
import type { Logger } from 'pino';
import { DatabaseUrlError, redactDatabaseUrl } from '@switchboard/persistence';
import type { ClusterBus, ClusterHandler, ClusterMessageMap, ClusterTopic } from './cluster-bus';

/** The one notification channel of an installation (NOTIFY is per database, so installations never mix). */
export const CLUSTER_CHANNEL = 'switchboard_cluster';

// PostgreSQL refuses a payload of 8000 bytes or more; a message longer than this goes in parts.
const MAX_PAYLOAD = 7000;
// Buffered while PostgreSQL is slow to take them; past this the oldest wait no longer (logged).
const MAX_BUFFERED = 20_000;

/** A notification as sent: from whom, which topic, a sequence number (PostgreSQL folds identical payloads of one transaction), and the message or one part of it. */
interface Envelope {
  f: string;
  s: number;
  t: ClusterTopic;
  /** The JSON text of the message, or one part of it (`i` of `n`). */
  d: string;
  i?: number;
  n?: number;
}

export interface PostgresClusterBusOptions {
  url: string;
  replicaId: string;
  logger: Logger;
  /** Reconnect delays grow to this. */
  maxReconnectMs?: number;
}

/**
 * The bus between replicas on PostgreSQL's own LISTEN/NOTIFY: one connection listens, one
 * sends. What is published in one tick goes out in one statement, in order; PostgreSQL delivers
 * a sender's notifications in the order it sent them, so each replica sees another's events in
 * order. Notifications are not stored: a replica that is disconnected misses them, so after a
 * reconnect its caches are told to reload everything.
 */
export class PostgresClusterBus implements ClusterBus {
  readonly shared = true;
  readonly replicaId: string;
  private readonly handlers = new Map<ClusterTopic, Set<ClusterHandler<never>>>();
  private listener: Client | null = null;
  private sender: Client | null = null;
  private buffer: string[] = [];
  private flushing: Promise<void> | null = null;
  private seq = 0;
  private readonly parts = new Map<string, string[]>();
  private closed = false;
  private reconnectDelay = 250;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: PostgresClusterBusOptions) {
    this.replicaId = options.replicaId;
  }

  /** Connects both connections and starts listening; rejects when the database cannot be reached. */
  async start(): Promise<void> {
    this.sender = await this.connect('send');
    await this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.flushing?.catch(() => undefined);
    await Promise.allSettled([this.listener?.end(), this.sender?.end()]);
    this.listener = this.sender = null;
  }

  publish<T extends ClusterTopic>(topic: T, payload: ClusterMessageMap[T]): void {
    if (this.closed) return;
    const text = JSON.stringify(payload);
    const s = ++this.seq;
    const base = { f: this.replicaId, s, t: topic };
    if (text.length + 200 <= MAX_PAYLOAD) {
      this.buffer.push(JSON.stringify({ ...base, d: text } satisfies Envelope));
    } else {
      const n = Math.ceil(text.length / MAX_PAYLOAD);
      for (let i = 0; i < n; i++) this.buffer.push(JSON.stringify({ ...base, d: text.slice(i * MAX_PAYLOAD, (i + 1) * MAX_PAYLOAD), i, n } satisfies Envelope));
    }
    if (this.buffer.length > MAX_BUFFERED) {
      const dropped = this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, dropped);
      this.options.logger.warn({ dropped }, 'cluster bus: PostgreSQL is not taking notifications fast enough; dropped the oldest');
    }
    if (!this.flushing) this.flushing = this.flushSoon();
  }

  subscribe<T extends ClusterTopic>(topic: T, handler: ClusterHandler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler as ClusterHandler<never>);
    return () => set.delete(handler as ClusterHandler<never>);
  }

  // Everything published in this tick goes out in one statement; what comes meanwhile waits for the next.
  private async flushSoon(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.buffer.length && !this.closed) {
        const batch = this.buffer.splice(0, 500);
        try {
          if (!this.sender) this.sender = await this.connect('send');
          await this.sender.query(`SELECT pg_notify($1, payload) FROM unnest($2::text[]) WITH ORDINALITY AS t(payload, n) ORDER BY n`, [CLUSTER_CHANNEL, batch]);
        } catch (err) {
          this.options.logger.warn({ err: (err as Error).message, lost: batch.length }, 'cluster bus: could not notify the other replicas');
          await this.sender?.end().catch(() => undefined);
          this.sender = null;
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async connect(role: 'listen' | 'send'): Promise<Client> {
    // Loaded here, not at start: an API on SQLite never needs the PostgreSQL driver.
    const { Client: PgClient } = await import('pg');
    const client = new PgClient({ connectionString: this.options.url, application_name: `switchboard ${role} ${this.replicaId}`.slice(0, 63) });
    // An error on an idle connection (the server restarted) must not crash the process.
    client.on('error', (err) => {
      this.options.logger.warn({ err: err.message, role }, 'cluster bus connection failed');
      if (role === 'listen' && client === this.listener) this.scheduleReconnect();
      if (role === 'send' && client === this.sender) this.sender = null;
    });
    try {
      await client.connect();
    } catch (err) {
      // Reported at start like the database's own connection failure: where, why, never the password.
      throw new DatabaseUrlError(`Could not open the database at ${redactDatabaseUrl(this.options.url)}: ${(err as Error).message}`);
    }
    return client;
  }

  private async listen(): Promise<void> {
    const client = await this.connect('listen');
    client.on('notification', (msg) => {
      if (msg.channel === CLUSTER_CHANNEL && msg.payload) this.receive(msg.payload);
    });
    client.on('end', () => {
      if (client === this.listener && !this.closed) this.scheduleReconnect();
    });
    await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
    this.listener = client;
    this.reconnectDelay = 250;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const old = this.listener;
    this.listener = null;
    void old?.end().catch(() => undefined);
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.options.maxReconnectMs ?? 5000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.listen().then(
        () => {
          this.options.logger.info('cluster bus: listening again; reloading what other replicas may have changed meanwhile');
          for (const scope of ['people', 'settings', 'jobs'] as const) this.dispatch('cache.invalidate', JSON.stringify({ scope }), this.replicaId);
        },
        (err: unknown) => {
          this.options.logger.warn({ err: (err as Error).message }, 'cluster bus: reconnect failed');
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private receive(raw: string): void {
    let env: Envelope;
    try {
      env = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (env.f === this.replicaId) return;
    if (env.n === undefined) return this.dispatch(env.t, env.d, env.f);
    const key = `${env.f}:${env.s}`;
    const got = this.parts.get(key) ?? [];
    got[env.i ?? 0] = env.d;
    if (got.filter((p) => p !== undefined).length < env.n) {
      this.parts.set(key, got);
      // A part lost with a dropped connection must not keep the others forever.
      if (this.parts.size > 100) this.parts.delete(this.parts.keys().next().value as string);
      return;
    }
    this.parts.delete(key);
    this.dispatch(env.t, got.join(''), env.f);
  }

  private dispatch(topic: ClusterTopic, text: string, from: string): void {
    const handlers = this.handlers.get(topic);
    if (!handlers?.size) return;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return;
    }
    for (const h of handlers) {
      try {
        (h as ClusterHandler<ClusterTopic>)(payload as never, from);
      } catch (err) {
        this.options.logger.warn({ err: (err as Error).message, topic }, 'cluster bus handler failed');
      }
    }
  }
}
