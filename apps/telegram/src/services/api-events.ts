import type { Logger } from 'pino';
import {
  SERVER_EVENTS,
  SwitchboardApiError,
  type ServerEventMap,
  type ServerEventName,
  type SwitchboardClient,
  type SwitchboardSocket,
} from '@switchboard/protocol';

type Listener<E extends ServerEventName> = (payload: ServerEventMap[E]) => void;

export interface ApiEventsOptions {
  client: SwitchboardClient;
  logger: Logger;
  describe: (err: unknown) => string;
  /** Reconnect backoff bounds. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * The bot's one WebSocket to the API: subscriptions per session, events fanned out to
 * listeners, reconnection with backoff, and every subscription restored after a reconnect.
 */
export class ApiEvents {
  private socket: SwitchboardSocket | null = null;
  private readonly watched = new Set<string>();
  private subscribed = new Set<string>();
  private readonly listeners = new Map<ServerEventName, Set<(payload: unknown) => void>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private readonly waiters = new Set<() => void>();
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private started = false;
  private stopped = false;
  private everConnected = false;

  constructor(private readonly options: ApiEventsOptions) {
    this.delayMs = options.minDelayMs ?? 500;
  }

  get connected(): boolean {
    return this.socket?.isOpen ?? false;
  }

  /** Connects (in the background) and keeps the connection up until stop(). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket?.close();
    this.socket = null;
    for (const w of this.waiters) w();
  }

  on<E extends ServerEventName>(event: E, listener: Listener<E>): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
  }

  /** Called after a reconnect, once subscriptions are restored (to catch up on what was missed). */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.add(handler);
  }

  /**
   * Makes sure the session's events reach us. Resolves true once subscribed; false when the
   * API cannot be reached within `timeoutMs` (the subscription is still restored later).
   */
  async watch(sessionId: string, timeoutMs = 2000): Promise<boolean> {
    this.watched.add(sessionId);
    this.start();
    if (!this.connected) {
      // Someone is waiting: try now rather than at the end of a long backoff.
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
        void this.connect();
      }
      await this.waitForConnection(timeoutMs);
    }
    const socket = this.socket;
    if (!socket?.isOpen) return false;
    if (this.subscribed.has(sessionId)) return true;
    try {
      await socket.subscribe(sessionId);
      if (this.socket === socket) this.subscribed.add(sessionId);
      return true;
    } catch (err) {
      if (err instanceof SwitchboardApiError && err.code === 'SESSION_NOT_FOUND') this.watched.delete(sessionId);
      this.options.logger.warn({ sessionId, err: this.options.describe(err) }, 'could not subscribe to session events');
      return false;
    }
  }

  private waitForConnection(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  private connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const log = this.options.logger;
    let socket: SwitchboardSocket;
    try {
      socket = await this.options.client.connect();
    } catch (err) {
      log.warn({ err: this.options.describe(err), retryInMs: this.delayMs }, 'API WebSocket unavailable; retrying');
      this.scheduleReconnect();
      // Whoever waits for a connection learns now that there is none.
      for (const w of [...this.waiters]) w();
      return;
    }
    if (this.stopped) {
      socket.close();
      return;
    }
    this.socket = socket;
    this.subscribed = new Set();
    this.delayMs = this.options.minDelayMs ?? 500;
    for (const event of SERVER_EVENTS) {
      socket.on(event, (payload) => {
        for (const l of this.listeners.get(event) ?? []) {
          try {
            l(payload);
          } catch (err) {
            log.error({ event, err: this.options.describe(err) }, 'event listener failed');
          }
        }
      });
    }
    socket.onClose((code) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.subscribed = new Set();
      if (this.stopped) return;
      log.warn({ code, hint: code === 4401 ? 'check SWITCHBOARD_API_TOKEN' : undefined }, 'API WebSocket closed; reconnecting');
      this.scheduleReconnect();
    });
    const reconnected = this.everConnected;
    this.everConnected = true;
    log.info({ sessions: this.watched.size }, reconnected ? 'API WebSocket reconnected' : 'API WebSocket connected');
    for (const sessionId of [...this.watched]) {
      try {
        await socket.subscribe(sessionId);
        this.subscribed.add(sessionId);
      } catch (err) {
        if (err instanceof SwitchboardApiError && err.code === 'SESSION_NOT_FOUND') this.watched.delete(sessionId);
        else log.warn({ sessionId, err: this.options.describe(err) }, 'could not restore a subscription');
      }
    }
    for (const w of [...this.waiters]) w();
    if (reconnected) for (const h of this.reconnectHandlers) h();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.options.maxDelayMs ?? 30_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
    this.timer.unref?.();
  }
}
