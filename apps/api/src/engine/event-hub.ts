import type { ServerEventMap, ServerEventName } from '@switchboard/protocol';
import type { EngineEventSink } from '@switchboard/session/server';

export type HubListener = <E extends ServerEventName>(event: E, payload: ServerEventMap[E]) => void;

interface Watch {
  /** null = every session */
  sessionId: string | null;
  listener: HubListener;
}

/** The session id an event is about. */
export function sessionIdOf<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): string {
  if (event === 'session.updated') return (payload as ServerEventMap['session.updated']).session.id;
  return (payload as { sessionId: string }).sessionId;
}

/**
 * Fans engine events out to watchers (WebSocket subscriptions, streaming HTTP responses).
 * Knows cheaply whether anyone watches a session so the engine can skip building events.
 */
export class EventHub implements EngineEventSink {
  private nextId = 1;
  private readonly watches = new Map<number, Watch>();
  private readonly bySession = new Map<string, number>();
  private allCount = 0;

  watch(sessionId: string | null, listener: HubListener): () => void {
    const id = this.nextId++;
    this.watches.set(id, { sessionId, listener });
    if (sessionId === null) this.allCount++;
    else this.bySession.set(sessionId, (this.bySession.get(sessionId) ?? 0) + 1);
    return () => {
      const w = this.watches.get(id);
      if (!w) return;
      this.watches.delete(id);
      if (w.sessionId === null) this.allCount--;
      else {
        const n = (this.bySession.get(w.sessionId) ?? 1) - 1;
        if (n <= 0) this.bySession.delete(w.sessionId);
        else this.bySession.set(w.sessionId, n);
      }
    };
  }

  hasWatchers(sessionId: string): boolean {
    return this.allCount > 0 || this.bySession.has(sessionId);
  }

  emit<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void {
    if (this.watches.size === 0) return;
    const sessionId = sessionIdOf(event, payload);
    for (const w of this.watches.values()) {
      if (w.sessionId !== null && w.sessionId !== sessionId) continue;
      try {
        w.listener(event, payload);
      } catch {
        // One broken watcher must not stop the others (or the turn).
      }
    }
  }
}
