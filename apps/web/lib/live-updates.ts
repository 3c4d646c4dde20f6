import type { EventFrame, ResponseFrame, ServerEvent } from '@switchboard/protocol';

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** The part of SwitchboardSocket this module uses (so tests can pass a fake). */
export interface LiveSocket {
  /** Every frame the server sends; events are the ones with an `event` field. */
  onAny(handler: (frame: ResponseFrame | EventFrame) => void): () => void;
  onClose(handler: (code: number) => void): () => void;
  subscribe(sessionId?: string): Promise<{ subscriptionId: string }>;
  close(): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LiveUpdatesOptions {
  connect: () => Promise<LiveSocket>;
  /** Every pushed event, in arrival order. */
  onEvent: (event: ServerEvent) => void;
  /** After each successful subscription: refetch what may have changed while not subscribed. */
  onResync: (info: { subscribedAt: number; reconnect: boolean }) => void;
  /** After a failed attempt (e.g. to check whether the user is still signed in). */
  onConnectError?: (attempt: number, error: unknown) => void;
  backoff?: { initialMs?: number; maxMs?: number; factor?: number; jitter?: number };
  timers?: Timers;
  random?: () => number;
  now?: () => number;
}

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(attempt: number, opts: LiveUpdatesOptions['backoff'] = {}, random: () => number = Math.random): number {
  const initial = opts.initialMs ?? 500;
  const max = opts.maxMs ?? 15_000;
  const factor = opts.factor ?? 2;
  const jitter = opts.jitter ?? 0.2;
  const base = Math.min(max, initial * Math.pow(factor, attempt));
  return Math.round(base * (1 - jitter + 2 * jitter * random()));
}

/**
 * The dashboard's single WebSocket subscription to every session. Reconnects with back-off,
 * and after every (re)subscription asks the app to resync, so nothing missed while offline
 * is lost; streamed text already received is kept by the stream store.
 */
export class LiveUpdates {
  private status: LiveStatus = 'idle';
  private readonly listeners = new Set<() => void>();
  private socket: LiveSocket | null = null;
  private detach: Array<() => void> = [];
  private timer: unknown = null;
  private attempt = 0;
  private everLive = false;
  private generation = 0;
  private readonly timers: Timers;
  private readonly now: () => number;

  constructor(private readonly opts: LiveUpdatesOptions) {
    this.timers = opts.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    this.now = opts.now ?? Date.now;
  }

  getStatus(): LiveStatus {
    return this.status;
  }

  /** For useSyncExternalStore. */
  subscribeStatus(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.status !== 'idle' && this.status !== 'stopped') return;
    this.attempt = 0;
    void this.open();
  }

  stop(): void {
    this.generation++;
    this.clearTimer();
    this.dropSocket();
    this.setStatus('stopped');
  }

  /** Skips the wait (the browser came back online, the tab became visible). */
  retryNow(): void {
    if (this.status !== 'reconnecting' || this.timer === null) return;
    this.clearTimer();
    void this.open();
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    this.setStatus(this.everLive ? 'reconnecting' : 'connecting');
    let socket: LiveSocket;
    try {
      socket = await this.opts.connect();
    } catch (err) {
      if (generation !== this.generation) return;
      this.failed(err);
      return;
    }
    if (generation !== this.generation) {
      socket.close();
      return;
    }
    this.socket = socket;
    // Every event, including ones added to the protocol after this was written (applyServerEvent
    // ignores what it does not know).
    this.detach = [
      socket.onAny((frame) => {
        if ('event' in frame && typeof frame.event === 'string') this.opts.onEvent({ event: frame.event, payload: frame.payload } as ServerEvent);
      }),
    ];
    this.detach.push(
      socket.onClose(() => {
        if (generation !== this.generation || this.socket !== socket) return;
        this.dropSocket();
        this.failed(new Error('connection closed'));
      }),
    );
    try {
      await socket.subscribe();
    } catch (err) {
      if (generation !== this.generation) return;
      this.dropSocket();
      this.failed(err);
      return;
    }
    if (generation !== this.generation) return;
    const reconnect = this.everLive;
    this.everLive = true;
    this.attempt = 0;
    this.setStatus('live');
    this.opts.onResync({ subscribedAt: this.now(), reconnect });
  }

  private failed(err: unknown): void {
    const attempt = this.attempt++;
    this.opts.onConnectError?.(attempt, err);
    if (this.status === 'stopped') return;
    this.setStatus('reconnecting');
    const delay = backoffDelay(attempt, this.opts.backoff, this.opts.random);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.open();
    }, delay);
  }

  private dropSocket(): void {
    for (const d of this.detach) d();
    this.detach = [];
    const s = this.socket;
    this.socket = null;
    try {
      s?.close();
    } catch {
      // already closed
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const l of this.listeners) l();
  }
}
