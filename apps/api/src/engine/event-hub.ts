import type { ServerEventMap, ServerEventName } from '@switchboard/protocol';
import type { EngineEventSink } from '@switchboard/session/server';

export type HubListener = <E extends ServerEventName>(event: E, payload: ServerEventMap[E]) => void;

interface Watch {
  /** null = every session */
  sessionId: string | null;
  /** null = every event */
  events: ReadonlySet<ServerEventName> | null;
  listener: HubListener;
  /** This process's own events only: never another replica's, and no interest announced to them. */
  local: boolean;
}

export interface WatchOptions {
  /** Only the events this process emits (its metrics): other replicas' events are not relayed for it. */
  localOnly?: boolean;
}

/** The session id an event is about; null for global events (only watchers of every session get them). */
export function sessionIdOf<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): string | null {
  if (event === 'session.updated') return (payload as ServerEventMap['session.updated']).session.id;
  if (event === 'settings.updated') return null;
  return (payload as { sessionId: string }).sessionId;
}

const ANY = '*';
type Interest = Map<string, number>;

function bump(map: Interest, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

/**
 * Fans engine events out to watchers (WebSocket subscriptions, streaming HTTP responses,
 * metrics). Knows cheaply whether anyone wants an event of a session, so the engine can skip
 * building payloads (session views, queue lists) nobody reads.
 */
export class EventHub implements EngineEventSink {
  private nextId = 1;
  private readonly watches = new Map<number, Watch>();
  /** interest in every session: event name (or '*') -> count */
  private readonly all: Interest = new Map();
  /** interest per session */
  private readonly bySession = new Map<string, Interest>();
  /** What other replicas are told: watches of every session, and per session, that take their events. */
  private sharedAll = 0;
  private readonly sharedSessions = new Map<string, number>();
  /** Where this process's own events also go (the other replicas), when it has company. */
  private relay: HubListener | null = null;
  /** Whether another replica wants an event of a session (its watchers, its waiters). */
  private remoteWants: (sessionId: string, event?: ServerEventName) => boolean = () => false;
  private readonly interestListeners = new Set<() => void>();

  /**
   * Sends the events emitted here on to `relay` as well (the cluster relay decides which go to
   * the other replicas); `remoteWants` says which of them another replica's watchers want, so
   * those count as watched here.
   */
  relayTo(relay: HubListener, remoteWants: (sessionId: string, event?: ServerEventName) => boolean): void {
    this.relay = relay;
    this.remoteWants = remoteWants;
  }

  /** What this process's watchers want: every session, or these sessions (for other replicas). */
  localInterest(): { all: boolean; sessions: string[] } {
    return { all: this.sharedAll > 0, sessions: [...this.sharedSessions.keys()] };
  }

  /** Called when localInterest() may have changed (a first or last watch of a session, or of all). */
  onInterestChange(listener: () => void): () => void {
    this.interestListeners.add(listener);
    return () => this.interestListeners.delete(listener);
  }

  /** Watches one session (or all with null), for every event or only the listed ones. */
  watch(sessionId: string | null, listener: HubListener, events?: ServerEventName[], options: WatchOptions = {}): () => void {
    const id = this.nextId++;
    const w: Watch = { sessionId, listener, events: events ? new Set(events) : null, local: options.localOnly === true };
    this.watches.set(id, w);
    this.count(w, 1);
    return () => {
      if (!this.watches.delete(id)) return;
      this.count(w, -1);
    };
  }

  private count(w: Watch, by: number): void {
    this.countInterest(w, by);
    if (w.local) return;
    const before = this.sharedAll > 0 ? -1 : this.sharedSessions.size;
    if (w.sessionId === null) this.sharedAll += by;
    else bump(this.sharedSessions, w.sessionId, by);
    const after = this.sharedAll > 0 ? -1 : this.sharedSessions.size;
    if (before !== after || w.sessionId !== null) for (const l of this.interestListeners) l();
  }

  private countInterest(w: Watch, by: number): void {
    let interest = this.all;
    if (w.sessionId !== null) {
      interest = this.bySession.get(w.sessionId) ?? new Map();
      this.bySession.set(w.sessionId, interest);
    }
    for (const key of w.events ?? [ANY]) bump(interest, key, by);
    if (w.sessionId !== null && interest.size === 0) this.bySession.delete(w.sessionId);
  }

  hasWatchers(sessionId: string, event?: ServerEventName): boolean {
    if (this.relay && this.remoteWants(sessionId, event)) return true;
    const own = this.bySession.get(sessionId);
    if (event === undefined) return this.all.size > 0 || own !== undefined;
    return this.all.has(ANY) || this.all.has(event) || (own !== undefined && (own.has(ANY) || own.has(event)));
  }

  emit<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void {
    this.relay?.(event, payload);
    this.fanOut(event, payload, false);
  }

  /** Hands an event emitted by another replica to this process's watchers (local-only ones aside). */
  deliver<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void {
    this.fanOut(event, payload, true);
  }

  private fanOut<E extends ServerEventName>(event: E, payload: ServerEventMap[E], remote: boolean): void {
    if (this.watches.size === 0) return;
    const sessionId = sessionIdOf(event, payload);
    for (const w of this.watches.values()) {
      if (remote && w.local) continue;
      if (w.sessionId !== null && w.sessionId !== sessionId) continue;
      if (w.events !== null && !w.events.has(event)) continue;
      try {
        w.listener(event, payload);
      } catch {
        // One broken watcher must not stop the others (or the turn).
      }
    }
  }
}
