import type { Logger } from 'pino';
import {
  SERVER_EVENTS,
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
 * The bot's one WebSocket to the API: one subscription to every session (the relay keeps
 * what belongs to a Telegram chat, whoever started the turn), events fanned out to listeners,
 * reconnection with backoff, and the subscription restored after a reconnect.
 */
export class ApiEvents {
  private socket: SwitchboardSocket | null = null;
  private subscribed = false;
  private readonly listeners = new Map<ServerEventName, Set<(payload: unknown) => void>>();
  private readonly connectHandlers = new Set<(reconnected: boolean) => void>();
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

  /** Called after every (re)connect, once subscribed (to catch up on what was missed meanwhile). */
  onConnected(handler: (reconnected: boolean) => void): void {
    this.connectHandlers.add(handler);
  }

  /**
   * Makes sure events (of every session) reach us. Resolves true once subscribed; false when
   * the API cannot be reached within `timeoutMs` (the subscription is made when it can be).
   */
  async watch(timeoutMs = 2000): Promise<boolean> {
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
    return Boolean(this.socket?.isOpen && this.subscribed);
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
    this.subscribed = false;
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
      this.subscribed = false;
      if (this.stopped) return;
      log.warn({ code, hint: code === 4401 ? 'check SWITCHBOARD_API_TOKEN' : undefined }, 'API WebSocket closed; reconnecting');
      this.scheduleReconnect();
    });
    const reconnected = this.everConnected;
    this.everConnected = true;
    try {
      await socket.subscribe();
      if (this.socket === socket) this.subscribed = true;
    } catch (err) {
      log.warn({ err: this.options.describe(err) }, 'could not subscribe to session events; reconnecting');
      socket.close();
      return;
    }
    log.info(reconnected ? 'API WebSocket reconnected' : 'API WebSocket connected');
    for (const w of [...this.waiters]) w();
    for (const h of this.connectHandlers) h(reconnected);
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
