import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ServerEventMap, ToolCallSummary } from '@switchboard/protocol';

type Schedule = (flush: () => void) => void;

const frame: Schedule = (flush) => {
  if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && document.visibilityState !== 'hidden') {
    requestAnimationFrame(() => flush());
  } else {
    setTimeout(flush, 16);
  }
};

/**
 * The text of replies being streamed, outside React Query and outside the transcript's state.
 * Deltas append here; only the one component showing that message subscribes, and it is told
 * at most once per animation frame however many deltas arrived. So a 10,000-token reply never
 * re-renders the transcript, only its own growing tail.
 */
export class StreamStore {
  private readonly texts = new Map<string, string>();
  /** The tool calls of turns still running, by turn id (the events name the turn, not the message). */
  private readonly toolCalls = new Map<string, readonly ToolCallSummary[]>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly dirty = new Set<string>();
  private scheduled = false;

  constructor(private readonly schedule: Schedule = frame) {}

  /** The text streamed so far for a message ('' when none). */
  get(messageId: string): string {
    return this.texts.get(messageId) ?? '';
  }

  has(messageId: string): boolean {
    return this.texts.has(messageId);
  }

  append(messageId: string, delta: string): void {
    if (!delta) return;
    const first = this.get(messageId) === '';
    this.texts.set(messageId, this.get(messageId) + delta);
    // The first token is what people wait for: shown at once; the rest batch per frame.
    if (first && !this.scheduled) this.notify(messageId);
    else this.markDirty(messageId);
  }

  /** Seeds from a history read (a resync): keeps whichever text is longer, so nothing streamed is lost. */
  seed(messageId: string, text: string): void {
    if (text.length <= this.get(messageId).length) return;
    this.texts.set(messageId, text);
    this.markDirty(messageId);
  }

  /** Forgets a message once its final text is in the cache. */
  finish(messageId: string): void {
    this.texts.delete(messageId);
    this.dirty.delete(messageId);
  }

  /** A running turn's tool calls so far (the same array until one changes). */
  tools(turnId: string): readonly ToolCallSummary[] {
    return this.toolCalls.get(turnId) ?? NO_TOOL_CALLS;
  }

  toolStarted(e: ServerEventMap['tool.started']): void {
    const calls = this.tools(e.turnId);
    if (calls.some((c) => c.toolCallId === e.toolCallId)) return;
    this.toolCalls.set(e.turnId, [...calls, { toolCallId: e.toolCallId, toolName: e.toolName, input: e.input, state: 'running' }]);
    this.notify(toolsKey(e.turnId));
  }

  toolFinished(e: ServerEventMap['tool.finished']): void {
    const calls = this.tools(e.turnId);
    const done: ToolCallSummary = { toolCallId: e.toolCallId, toolName: e.toolName, input: undefined, state: e.ok ? 'ok' : 'error', output: e.output, durationMs: e.durationMs };
    const at = calls.findIndex((c) => c.toolCallId === e.toolCallId);
    this.toolCalls.set(e.turnId, at < 0 ? [...calls, done] : calls.map((c, i) => (i === at ? { ...done, input: c.input } : c)));
    this.notify(toolsKey(e.turnId));
  }

  /** Forgets a turn's tool calls once its reply (with them in its parts) is in the cache. */
  finishTools(turnId: string): void {
    this.toolCalls.delete(turnId);
  }

  subscribe(messageId: string, listener: () => void): () => void {
    let set = this.listeners.get(messageId);
    if (!set) this.listeners.set(messageId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(messageId);
    };
  }

  private markDirty(messageId: string): void {
    if (!this.listeners.has(messageId)) return;
    this.dirty.add(messageId);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  private notify(messageId: string): void {
    this.dirty.delete(messageId);
    for (const l of this.listeners.get(messageId) ?? []) l();
  }

  /** Notifies the subscribers of every message that changed since the last flush. */
  flush(): void {
    this.scheduled = false;
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) for (const l of this.listeners.get(id) ?? []) l();
  }
}

const NO_TOOL_CALLS: readonly ToolCallSummary[] = Object.freeze([]);

/** The subscription key of a running turn's tool calls. */
export function toolsKey(turnId: string): string {
  return `${turnId}#tools`;
}

/** The store key of a reply's streamed reasoning (kept apart from its text). */
export function reasoningKey(messageId: string): string {
  return `${messageId}#reasoning`;
}

/** The app's one stream store. */
export const streamStore = new StreamStore();

/** Which store components read (tests provide one they drive frame by frame). */
export const StreamStoreContext = createContext<StreamStore>(streamStore);

/** A running turn's tool calls as their events arrive (none, without subscribing, for null). */
export function useLiveToolCalls(turnId: string | null): readonly ToolCallSummary[] {
  const store = useContext(StreamStoreContext);
  return useSyncExternalStore(
    (listener) => (turnId ? store.subscribe(toolsKey(turnId), listener) : () => undefined),
    () => (turnId ? store.tools(turnId) : NO_TOOL_CALLS),
    () => (turnId ? store.tools(turnId) : NO_TOOL_CALLS),
  );
}

/** The streamed text of one message; re-renders the caller at most once per frame. */
export function useStreamText(messageId: string, override?: StreamStore): string {
  const fromContext = useContext(StreamStoreContext);
  const store = override ?? fromContext;
  return useSyncExternalStore(
    (listener) => store.subscribe(messageId, listener),
    () => store.get(messageId),
    () => store.get(messageId),
  );
}
