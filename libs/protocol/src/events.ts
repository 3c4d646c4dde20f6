import { z } from 'zod';
import {
  messageSchema,
  queuedMessageSchema,
  sessionSchema,
  modelSourceSchema,
  providerTypeSchema,
  effectiveModelSchema,
} from './schemas';

/** Why a session changed; clients merge `session.updated` per kind and drop anything older than their version. */
export const sessionChangeKindSchema = z.enum([
  'created',
  'status_change',
  'model_change',
  'title_change',
  'queue_change',
  'history_change',
  'deleted',
  'archive_change',
  'pin_change',
  'reasoning_change',
]);
export type SessionChangeKind = z.infer<typeof sessionChangeKindSchema>;

export const engineRefSchema = z.object({
  modelConfigId: z.string(),
  provider: z.string(),
  providerType: providerTypeSchema,
  model: z.string(),
  label: z.string(),
});
export type EngineRef = z.infer<typeof engineRefSchema>;

export const turnStartedEventSchema = z.object({
  sessionId: z.string(),
  turnId: z.string(),
  messageId: z.string().describe('the assistant message that the deltas build'),
  modelConfigId: z.string(),
  modelSource: modelSourceSchema,
  modelLabel: z.string(),
  warnings: z.array(z.string()),
});

export const messageDeltaEventSchema = z.object({
  sessionId: z.string(),
  turnId: z.string(),
  messageId: z.string(),
  delta: z.string(),
});

/** A reasoning model's thinking as it streams: never part of the reply's text (the stored reply keeps it as a `reasoning` part). */
export const messageReasoningEventSchema = messageDeltaEventSchema;

export const messageCompletedEventSchema = z.object({
  sessionId: z.string(),
  turnId: z.string(),
  message: messageSchema,
});

export const messageCreatedEventSchema = z.object({
  sessionId: z.string(),
  message: messageSchema,
});

export const sessionUpdatedEventSchema = z.object({
  kind: sessionChangeKindSchema,
  session: sessionSchema,
  version: z.number().int(),
});

export const queueUpdatedEventSchema = z.object({
  sessionId: z.string(),
  version: z.number().int(),
  queue: z.array(queuedMessageSchema),
});

export const engineSwitchedEventSchema = z.object({
  sessionId: z.string(),
  from: engineRefSchema,
  to: engineRefSchema,
  reason: z.string(),
  message: messageSchema,
});

export const toolStartedEventSchema = z.object({
  sessionId: z.string(),
  turnId: z.string(),
  toolCallId: z.string(),
  toolName: z.string(),
  input: z.unknown(),
});

export const toolFinishedEventSchema = z.object({
  sessionId: z.string(),
  turnId: z.string(),
  toolCallId: z.string(),
  toolName: z.string(),
  ok: z.boolean(),
  /** the (possibly summarised) result as the model saw it */
  output: z.unknown(),
  durationMs: z.number(),
});

/** Global settings changed (the default model): sent to watchers of every session. */
export const settingsUpdatedEventSchema = z.object({
  defaultModel: effectiveModelSchema,
});

/** Every server-pushed event and its payload: the one event map shared by server and clients. */
export const serverEventSchemas = {
  'turn.started': turnStartedEventSchema,
  'message.delta': messageDeltaEventSchema,
  'message.reasoning': messageReasoningEventSchema,
  'message.completed': messageCompletedEventSchema,
  'message.created': messageCreatedEventSchema,
  'session.updated': sessionUpdatedEventSchema,
  'queue.updated': queueUpdatedEventSchema,
  'engine.switched': engineSwitchedEventSchema,
  'tool.started': toolStartedEventSchema,
  'tool.finished': toolFinishedEventSchema,
  'settings.updated': settingsUpdatedEventSchema,
} as const;

export type ServerEventName = keyof typeof serverEventSchemas;
export type ServerEventMap = { [K in ServerEventName]: z.infer<(typeof serverEventSchemas)[K]> };
export type ServerEvent = { [K in ServerEventName]: { event: K; payload: ServerEventMap[K] } }[ServerEventName];

/** Event names as a list (for docs and validation). */
export const SERVER_EVENTS = Object.keys(serverEventSchemas) as ServerEventName[];
