import type { Channel, PersonRef, Sender, ServerEventMap, ServerEventName } from '@switchboard/protocol';
import type { CountTokens, FallbackNotice, RunRequest, RunResult, TurnSpeaker } from '@switchboard/models';
import type { UsageSample } from '../store/usage.store';

/** Where the engine publishes what happens; the API fans it out to WebSocket watchers. */
export interface EngineEventSink {
  emit<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void;
  /** Lets the engine skip building payloads nobody will read (the hot path); per event when given. */
  hasWatchers(sessionId: string, event?: ServerEventName): boolean;
}

/**
 * This process among replicas sharing one database (PostgreSQL). Absent: the process is alone
 * (SQLite) and every running turn is its own.
 */
export interface ReplicaPort {
  /** Names this replica in turn leases. */
  id: string;
  /** A running turn's lease lasts this long unless renewed (renewed every third of it). */
  leaseMs: number;
  /** Asks the replica running a session's turn to stop it (the turn is not this replica's). */
  requestStop(sessionId: string): void;
}

/** A conversation as people see it: whose it is, or which group chat. */
export interface ConversationAudience {
  channel: Channel;
  peerId: string;
  groupKey: string | null;
  personId: string | null;
}

/**
 * What the engine asks about people (libs/people's PeopleService fits). Without it nobody is
 * known: turns have no speaker and nothing is limited.
 */
export interface PeoplePort {
  /** Whose a new conversation is: null for a group chat. */
  conversationPerson(conversation: Omit<ConversationAudience, 'personId'>): Promise<string | null>;
  /** Who is speaking: the sender the door names, else the conversation's own person. */
  speakerFor(conversation: ConversationAudience, sender?: Sender | null): Promise<TurnSpeaker | null>;
  /** A person as a speaker now (their role), or null. */
  speaker(personId: string): Promise<TurnSpeaker | null>;
  /** Refuses a message over the speaker's limits (RATE_LIMITED / BUDGET_EXCEEDED). */
  admit(speaker: TurnSpeaker | null): Promise<void>;
  /** The short form of people, for views. */
  refs(ids: Iterable<string>): Promise<Map<string, PersonRef>>;
}

/** The group of a conversation as memory and tools name it: `channel:groupKey`. */
export function groupIdOf(conversation: { channel: string; groupKey: string | null }): string | null {
  return conversation.groupKey ? `${conversation.channel}:${conversation.groupKey}` : null;
}

/** The structured logger the engine writes to (pino fits). */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): EngineLogger;
}

/** A turn's model call: the runner's request plus the failover layer's fallback notice. */
export type StreamRequest = RunRequest & { onFallback?: (notice: FallbackNotice) => void };

/** What a turn's model call gives back; `modelConfigId` is the model that answered (a fallback's, when the requested one failed). */
export type StreamResult = RunResult & { modelConfigId?: string; fallbacks?: FallbackNotice[] };

/** The model calls the engine needs (libs/models' FailoverRunner implements them). */
export interface ModelStreamer {
  stream(req: StreamRequest): Promise<StreamResult>;
  /** A non-streamed call for delegated side work (titles, compaction, summaries). */
  generate?(req: Omit<StreamRequest, 'onDelta' | 'tools'>): Promise<StreamResult>;
  /** Counts tokens as a model does (compaction and the "does it fit" checks); the estimate when absent. */
  tokenCounter?(modelConfigId: string): CountTokens;
}

/** Records the usage of a delegated call outside the session store (metrics). */
export type UsageObserver = (u: UsageSample) => void;

export const noopSink: EngineEventSink = { emit: () => undefined, hasWatchers: () => false };

export const silentLogger: EngineLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** What a turn hook sees about the turn. */
export interface TurnContext {
  sessionId: string;
  turnId: string;
  channel: string;
  peerId: string;
  projectId: string | null;
  agent: string | null;
  userText: string;
  userMessageId: string;
  /** Who is speaking (their memories, limits and usage); null when the door could not say (a group member it did not name). */
  speaker: TurnSpeaker | null;
  /** The group chat this conversation belongs to, as `channel:group`; null for a private conversation. */
  groupId: string | null;
  /** A call whose conversation the caller holds: no session (`sessionId` and `userMessageId` are empty), nothing stored but usage. */
  stateless?: boolean;
}

/**
 * Extension points around every turn (memory plugs in here): `prepare` adds sections to the
 * system prompt; `completed` runs after the reply is stored (never blocks the next turn);
 * `sessionDeleted` runs once a conversation is deleted, so work still pending on its turns
 * (a queued memory extraction) is dropped instead of reading the deleted text later.
 */
export interface TurnHooks {
  name: string;
  prepare?(ctx: TurnContext): Promise<{ system?: string } | void>;
  completed?(ctx: TurnContext & { reply: import('@switchboard/protocol').Message }): void | Promise<void>;
  sessionDeleted?(sessionId: string): void | Promise<void>;
}

/** A command contributed by another lib (e.g. /memory), run by the shared command handler. */
export interface CommandExtension {
  name: string;
  run(ctx: CommandContext): Promise<{ text: string; ok?: boolean }>;
}

/** What a command extension sees: the conversation, who typed the command, and its arguments. */
export interface CommandContext {
  sessionId: string;
  projectId: string | null;
  speaker: TurnSpeaker | null;
  groupId: string | null;
  args: string[];
  argText: string;
}

/** Called with a turn's id and its assistant message id when the turn starts. */
export type TurnStartedHook = (turnId: string, assistantMessageId: string) => void;

/** Provider options a door asks for one message's turn (the OpenAI door's sampling options); kept with it while it is queued. */
export interface TurnOptions {
  callSettings?: import('@switchboard/models').CallSettings;
  maxOutputTokens?: number;
}

/** What a door can attach to a message it sends: when its turn starts, and the options of that turn. */
export interface SendHooks {
  onTurnStarted?: TurnStartedHook;
  turnOptions?: TurnOptions;
  /** Who is sending (the engine resolves it from the request's sender when absent). */
  speaker?: TurnSpeaker | null;
}
