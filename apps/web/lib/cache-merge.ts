/**
 * Pure merge functions for the dashboard's TanStack Query caches.
 *
 * Pushed events (`session.updated`, `queue.updated`, message events) and REST snapshots both
 * land in the same caches. Every function here returns the *same object* when nothing
 * changes, so React Query does not notify observers and nothing re-renders for a duplicate.
 *
 * Rules:
 * - A session event is applied only when its version is greater than the cached one; a
 *   duplicate or an older event is dropped. A REST snapshot may also replace an entry of the
 *   same version (fields derived at read time, such as the effective model after the global
 *   default changed, are not versioned).
 * - A deleted session leaves a tombstone with its version, so a late event cannot bring it back.
 * - A queue event replaces the queue unless it is older than the cached one. Queue events carry
 *   the session version read before the queue, so two snapshots can share a version; an equal
 *   version is therefore accepted when its content differs (the queue is a whole snapshot).
 * - A message never goes back from final (complete, interrupted, error) to streaming, and
 *   message events for a conversation whose history was never loaded are ignored (the history
 *   is fetched whole when it is opened).
 */
import type { Message, QueuedMessage, ServerEventMap, Session } from '@switchboard/protocol';

export type SessionUpdatedEvent = ServerEventMap['session.updated'];
export type QueueUpdatedEvent = ServerEventMap['queue.updated'];
export type TurnStartedEvent = ServerEventMap['turn.started'];

// ---------------------------------------------------------------- sessions

/** The conversation list cache: every known session, newest activity first, plus tombstones. */
export interface SessionListCache {
  sessions: Session[];
  /** id → the version at which the session was deleted. */
  deleted: Record<string, number>;
}

export const emptySessionList: SessionListCache = Object.freeze({ sessions: [], deleted: {} }) as SessionListCache;

function byActivity(a: Session, b: Session): number {
  if (a.lastActivityAt !== b.lastActivityAt) return a.lastActivityAt < b.lastActivityAt ? 1 : -1;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function sorted(sessions: Session[]): Session[] {
  return sessions.slice().sort(byActivity);
}

/** Applies one `session.updated` event to the list: by kind, never older over newer. */
export function mergeSessionEvent(cache: SessionListCache | undefined, event: SessionUpdatedEvent): SessionListCache {
  const base = cache ?? emptySessionList;
  const id = event.session.id;
  const version = Math.max(event.version, event.session.version);
  const tomb = base.deleted[id];
  if (tomb !== undefined && version <= tomb) return base;
  const index = base.sessions.findIndex((s) => s.id === id);
  const current = index >= 0 ? base.sessions[index] : undefined;
  if (current && version <= current.version) return base;

  if (event.kind === 'deleted') {
    return {
      sessions: index >= 0 ? base.sessions.filter((s) => s.id !== id) : base.sessions,
      deleted: { ...base.deleted, [id]: version },
    };
  }
  const next = { ...event.session, version };
  const sessions = index >= 0 ? base.sessions.map((s, i) => (i === index ? next : s)) : [...base.sessions, next];
  return { sessions: sorted(sessions), deleted: base.deleted };
}

/**
 * Merges sessions read over REST (the list, or one session) into the cache. Entries the
 * snapshot does not mention are kept (they may be newer than the snapshot, or beyond its limit).
 */
export function mergeSessionSnapshot(cache: SessionListCache | undefined, snapshot: readonly Session[]): SessionListCache {
  const base = cache ?? emptySessionList;
  let changed = false;
  const byId = new Map(base.sessions.map((s) => [s.id, s]));
  for (const s of snapshot) {
    const tomb = base.deleted[s.id];
    if (tomb !== undefined && s.version <= tomb) continue;
    const current = byId.get(s.id);
    if (current && (s.version < current.version || sameSession(current, s))) continue;
    byId.set(s.id, s);
    changed = true;
  }
  if (!changed && cache) return cache;
  return { sessions: sorted([...byId.values()]), deleted: base.deleted };
}

/** The cached session with this id, if any. */
export function findSession(cache: SessionListCache | undefined, id: string): Session | undefined {
  return cache?.sessions.find((s) => s.id === id);
}

function sameSession(a: Session, b: Session): boolean {
  return (
    a.version === b.version &&
    a.status === b.status &&
    a.title === b.title &&
    a.modelOverride === b.modelOverride &&
    a.lastModelConfigId === b.lastModelConfigId &&
    a.queueLength === b.queueLength &&
    a.lastActivityAt === b.lastActivityAt &&
    a.effectiveModel.modelConfigId === b.effectiveModel.modelConfigId &&
    a.effectiveModel.source === b.effectiveModel.source &&
    a.effectiveModel.label === b.effectiveModel.label &&
    a.effectiveModel.warnings.join('\n') === b.effectiveModel.warnings.join('\n')
  );
}

// ---------------------------------------------------------------- queue

/** One conversation's queue as cached, with the version it was read at. */
export interface QueueCache {
  sessionId: string;
  version: number;
  queue: QueuedMessage[];
}

/** Applies a `queue.updated` event (or a versioned REST read): never an older queue over a newer one. */
export function mergeQueueEvent(cache: QueueCache | undefined, event: QueueUpdatedEvent): QueueCache {
  if (!cache) return { sessionId: event.sessionId, version: event.version, queue: event.queue };
  if (event.sessionId !== cache.sessionId) return cache;
  if (event.version < cache.version) return cache;
  if (event.version === cache.version && sameQueue(cache.queue, event.queue)) return cache;
  return { sessionId: cache.sessionId, version: event.version, queue: event.queue };
}

function sameQueue(a: readonly QueuedMessage[], b: readonly QueuedMessage[]): boolean {
  return (
    a.length === b.length &&
    a.every((q, i) => q.id === b[i].id && q.position === b[i].position && q.modelConfigId === b[i].modelConfigId && q.text === b[i].text)
  );
}

// ---------------------------------------------------------------- messages

/** One conversation's history as cached, with when (client clock) events last touched each message. */
export interface MessagesCache {
  messages: Message[];
  touched: Record<string, number>;
}

const FINAL = new Set<Message['status']>(['complete', 'interrupted', 'error']);
// Archived by a retry or an edit: later than any other state, so it wins over a cached final copy.
const rank = (m: Message): number => (m.status === 'superseded' ? 2 : FINAL.has(m.status) ? 1 : 0);

function bySeq(a: Message, b: Message): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

function sameMessage(a: Message, b: Message): boolean {
  return (
    a.status === b.status &&
    a.content === b.content &&
    a.seq === b.seq &&
    a.modelConfigId === b.modelConfigId &&
    a.modelSource === b.modelSource &&
    (a.usage === null) === (b.usage === null)
  );
}

/** Which of two copies of one message to keep: final beats streaming, then the longer streaming text. */
function pick(current: Message, incoming: Message): Message {
  if (rank(current) > rank(incoming)) return current;
  if (rank(current) < rank(incoming)) return incoming;
  if (current.status === 'streaming' && incoming.status === 'streaming' && current.content.length > incoming.content.length) {
    return { ...incoming, content: current.content };
  }
  return incoming;
}

/** Upserts a pushed message (`message.created`, `message.completed`, `engine.switched`). */
export function mergeMessageEvent(cache: MessagesCache | undefined, message: Message, at: number): MessagesCache | undefined {
  if (!cache) return undefined;
  const index = cache.messages.findIndex((m) => m.id === message.id);
  if (index < 0) {
    return { messages: [...cache.messages, message].sort(bySeq), touched: { ...cache.touched, [message.id]: at } };
  }
  const current = cache.messages[index];
  const next = pick(current, message);
  if (next === current || sameMessage(current, next)) return cache;
  const messages = cache.messages.map((m, i) => (i === index ? next : m));
  if (next.seq !== current.seq) messages.sort(bySeq);
  return { messages, touched: { ...cache.touched, [message.id]: at } };
}

/** Adds the streaming assistant message announced by `turn.started` (its text arrives as deltas). */
export function startStreamingMessage(cache: MessagesCache | undefined, event: TurnStartedEvent, at: number): MessagesCache | undefined {
  if (!cache) return undefined;
  if (cache.messages.some((m) => m.id === event.messageId)) return cache;
  const last = cache.messages.at(-1);
  const placeholder: Message = {
    id: event.messageId,
    sessionId: event.sessionId,
    seq: (last?.seq ?? 0) + 1,
    turnId: event.turnId,
    role: 'assistant',
    kind: 'text',
    content: '',
    parts: [],
    status: 'streaming',
    modelConfigId: event.modelConfigId,
    modelSource: event.modelSource,
    modelLabel: event.modelLabel,
    warnings: event.warnings,
    usage: null,
    event: null,
    createdAt: new Date(at).toISOString(),
  };
  return { messages: [...cache.messages, placeholder], touched: { ...cache.touched, [event.messageId]: at } };
}

/**
 * Merges a history read over REST with the cache. The fetched list is the base; a cached copy
 * wins when it is more final, or when an event touched it after the fetch started; cached
 * messages missing from the fetch survive only if an event brought them after it started
 * (anything older was removed on the server, e.g. by /reset) — or, when the fetch was only the
 * latest page (`complete: false`), if they come before it (earlier pages the user loaded).
 */
export function reconcileMessages(
  current: MessagesCache | undefined,
  fetched: readonly Message[],
  fetchStartedAt: number,
  page: { complete: boolean } = { complete: true },
): MessagesCache {
  if (!current) return { messages: fetched.slice().sort(bySeq), touched: {} };
  const firstFetchedSeq = fetched.reduce((min, m) => Math.min(min, m.seq), Infinity);
  const earlierPage = (m: Message) => !page.complete && m.seq < firstFetchedSeq;
  const cachedById = new Map(current.messages.map((m) => [m.id, m]));
  const fresh = (id: string) => (current.touched[id] ?? -Infinity) >= fetchStartedAt;
  const touched: Record<string, number> = {};
  const out: Message[] = [];
  const seen = new Set<string>();
  for (const f of fetched) {
    seen.add(f.id);
    const c = cachedById.get(f.id);
    if (!c) {
      out.push(f);
      continue;
    }
    if (current.touched[f.id] !== undefined) touched[f.id] = current.touched[f.id];
    if (sameMessage(c, f)) {
      out.push(c);
      continue;
    }
    const keepCached = rank(c) > rank(f) || (fresh(f.id) && rank(c) === rank(f));
    out.push(keepCached ? (c.status === 'streaming' ? pick(f, c) : c) : pick(c, f));
  }
  for (const c of current.messages) {
    if (seen.has(c.id)) continue;
    if (earlierPage(c)) {
      out.push(c);
      continue;
    }
    if (!fresh(c.id)) continue;
    out.push(c);
    touched[c.id] = current.touched[c.id];
  }
  out.sort(bySeq);
  if (out.length === current.messages.length && out.every((m, i) => m === current.messages[i])) return current;
  return { messages: out, touched };
}

/** Adds an earlier page of history in front of the cache (messages it already has are kept as they are). */
export function prependEarlier(cache: MessagesCache | undefined, earlier: readonly Message[]): MessagesCache | undefined {
  if (!cache) return cache;
  const have = new Set(cache.messages.map((m) => m.id));
  const added = earlier.filter((m) => !have.has(m.id));
  if (added.length === 0) return cache;
  return { messages: [...added, ...cache.messages].sort(bySeq), touched: cache.touched };
}

/** Empties a history (after `/reset`), keeping nothing an event could mistake for current. */
export function clearMessages(cache: MessagesCache | undefined): MessagesCache | undefined {
  if (!cache) return undefined;
  if (cache.messages.length === 0) return cache;
  return { messages: [], touched: {} };
}
