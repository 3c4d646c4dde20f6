import type { UsageSample } from '@switchboard/session/server';

/**
 * Events between the API's features, never sent to clients (those are the protocol's
 * ServerEventMap): a feature reacts to another's without reaching into it.
 */
export interface InternalEventMap {
  /** Memory saved facts from a conversation's turns: the conversation's history says so. */
  'memory.saved': { sessionId: string; text: string; memoryIds: string[] };
  /** A user asked to remember something and nothing was stored: the conversation says why. */
  'memory.not_stored': { sessionId: string; text: string };
  /** A model call's usage that no turn event carries (delegated work, stateless calls). */
  'usage.recorded': UsageSample;
  /** One person's only account moved to another person: everything of theirs becomes the other's. */
  'person.merged': { from: string; to: string };
}

export type InternalEventName = keyof InternalEventMap;
type Handler<E extends InternalEventName> = (payload: InternalEventMap[E]) => unknown;

/** The in-process bus of InternalEventMap (global, from CoreModule). */
export class InternalEvents {
  private readonly handlers = new Map<InternalEventName, Set<Handler<never>>>();

  /** Subscribes; returns the unsubscribe. */
  on<E extends InternalEventName>(event: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  /** Runs every handler of the event; resolves once all settled, rejecting with the first failure after the others ran. */
  async emit<E extends InternalEventName>(event: E, payload: InternalEventMap[E]): Promise<void> {
    const handlers = [...(this.handlers.get(event) ?? [])] as Array<Handler<E>>;
    if (handlers.length === 0) return;
    const results = await Promise.allSettled(handlers.map(async (h) => h(payload)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
