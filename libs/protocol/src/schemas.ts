import { z } from 'zod';

/** Limits shared by every door, so the API and its clients agree on them. */
export const LIMITS = {
  maxMessageChars: 100_000,
  maxQueuePerSession: 20,
  maxTitleChars: 200,
  maxPeerIdChars: 200,
  maxModelRefChars: 200,
  maxBodyBytes: 1_048_576,
  /** Attachment ids one message may name at most (the configured count limit is usually lower). */
  maxAttachmentIds: 100,
} as const;

export const channelSchema = z.enum(['web', 'telegram', 'api', 'job']);
export type Channel = z.infer<typeof channelSchema>;

/** The id of the owner, the one person who always exists (people.ts has the rest of people). */
export const OWNER_PERSON_ID = 'owner';

export const personRoleSchema = z.enum(['owner', 'member']);
export type PersonRole = z.infer<typeof personRoleSchema>;

/** An account id on a channel (a Telegram user id, an OpenAI-door `user` value). */
export const peerIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\s/?#]+$/, 'must not contain spaces, "/", "?" or "#"');
export const displayNameSchema = z.string().trim().min(1).max(200);

/** The short form of a person that other resources carry (a session's person, a message's author). */
export const personRefSchema = z.object({ id: z.string(), displayName: z.string(), role: personRoleSchema });
export type PersonRef = z.infer<typeof personRefSchema>;

/** Who sends a message, named by the door within the session's channel (a group chat member's user id). */
export const senderSchema = z
  .object({ peerId: peerIdSchema, displayName: displayNameSchema.optional() })
  .strict()
  .describe("the speaker's account on the session's channel (a group member); default: the conversation's own person, else the owner");
export type Sender = z.infer<typeof senderSchema>;

export const tierSchema = z.enum(['fast', 'default', 'complex', 'local']);
export type Tier = z.infer<typeof tierSchema>;

/** Which level of the resolution chain chose the model of a turn. */
export const modelSourceSchema = z.enum(['explicit', 'queued', 'job', 'session', 'agent', 'global', 'builtin']);
export type ModelSource = z.infer<typeof modelSourceSchema>;

export const sessionStatusSchema = z.enum(['idle', 'running', 'interrupted']);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export const providerTypeSchema = z.enum(['openai-compatible', 'anthropic', 'offline']);
export type ProviderType = z.infer<typeof providerTypeSchema>;

const isoDate = z.string().describe('ISO 8601 timestamp');
const modelRef = z.string().trim().min(1).max(LIMITS.maxModelRefChars).describe('a model id, an alias or a tier');

export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

/** Provider-neutral content parts: what every engine can be given back. */
export const contentPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  z.object({ type: z.literal('tool-call'), toolCallId: z.string(), toolName: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('tool-result'),
    toolCallId: z.string(),
    toolName: z.string(),
    output: z.unknown(),
    isError: z.boolean().optional().describe('the call failed (the output says why); absent in replies stored before it was recorded'),
    durationMs: z.number().nonnegative().optional().describe('how long the tool ran'),
  }),
]);
export type ContentPart = z.infer<typeof contentPartSchema>;

/**
 * An attachment as a message carries it: enough for a transcript to show a preview or a file chip
 * (the bytes are at `GET /api/v1/sessions/{id}/attachments/{attachmentId}/content`).
 */
export const messageAttachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  mediaType: z.string().describe('image/png, image/jpeg, image/gif, image/webp or application/pdf'),
  size: z.number().int().nonnegative().describe('bytes'),
});
export type MessageAttachment = z.infer<typeof messageAttachmentSchema>;

export const messageRoleSchema = z.enum(['user', 'assistant', 'system']);
export type MessageRole = z.infer<typeof messageRoleSchema>;

/** `text` is conversation; everything else is a system event or a command exchange kept out of the model's context. */
export const messageKindSchema = z.enum([
  'text',
  'command',
  'command_reply',
  'engine_switch',
  'model_fallback',
  'turn_interrupted',
  'turn_error',
  'compaction',
  'title_change',
  'memory_saved',
  'notice',
]);
export type MessageKind = z.infer<typeof messageKindSchema>;

/** `superseded`: archived by a retry, a regeneration or an edit (kept and listed, never sent to a model; `event.archived` says why). */
export const messageStatusSchema = z.enum(['complete', 'streaming', 'interrupted', 'error', 'superseded']);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const messageSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  seq: z.number().int(),
  turnId: z.string().nullable(),
  role: messageRoleSchema,
  kind: messageKindSchema,
  content: z.string(),
  parts: z.array(contentPartSchema),
  status: messageStatusSchema,
  modelConfigId: z.string().nullable(),
  modelSource: modelSourceSchema.nullable(),
  modelLabel: z.string().nullable(),
  warnings: z.array(z.string()),
  usage: usageSchema.nullable(),
  event: z.record(z.string(), z.unknown()).nullable(),
  /** Who sent a user message (a person id); null for assistant and system messages and older history. */
  personId: z.string().nullable().optional(),
  /** The files a user message carried (images, PDFs), in the order they were sent; empty otherwise. */
  attachments: z.array(messageAttachmentSchema).optional(),
  createdAt: isoDate,
});
export type Message = z.infer<typeof messageSchema>;

export const effectiveModelSchema = z.object({
  modelConfigId: z.string(),
  source: modelSourceSchema,
  label: z.string(),
  warnings: z.array(z.string()),
});
export type EffectiveModel = z.infer<typeof effectiveModelSchema>;

export const sessionSchema = z.object({
  id: z.string(),
  channel: channelSchema,
  peerId: z.string(),
  title: z.string().nullable(),
  projectId: z.string().nullable(),
  agent: z.string().nullable(),
  status: sessionStatusSchema,
  version: z.number().int(),
  modelOverride: z.string().nullable().describe('the session override (model config id), if any'),
  lastModelConfigId: z.string().nullable(),
  effectiveModel: effectiveModelSchema.describe('what the next turn without an explicit model would use, and why'),
  queueLength: z.number().int(),
  person: personRefSchema.nullable().optional().describe('whose conversation this is (a private chat, the dashboard: the owner); null in a group'),
  group: z.string().nullable().optional().describe("the group chat this conversation belongs to (its memory scope is `group`), if any"),
  archived: z.boolean().optional().describe('hidden from the default list (`GET /sessions?archived=true|all` shows it)'),
  pinned: z.boolean().optional().describe('the dashboard lists pinned conversations first'),
  showReasoning: z
    .boolean()
    .optional()
    .describe("doors that hide a reasoning model's thinking (Telegram) send it with each reply (`/reasoning on`); the dashboard always shows it collapsed"),
  createdAt: isoDate,
  updatedAt: isoDate,
  lastActivityAt: isoDate,
});
export type Session = z.infer<typeof sessionSchema>;

export const queuedMessageSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  position: z.number().int(),
  text: z.string(),
  modelConfigId: z.string().describe('the model snapshot in force when the message was queued'),
  modelSource: modelSourceSchema,
  /** Who sent it (a person id), kept with the message until its turn runs. */
  personId: z.string().nullable().optional(),
  /** Its attachments, kept with it until its turn runs (then they belong to the stored message). */
  attachments: z.array(messageAttachmentSchema).optional(),
  createdAt: isoDate,
});
export type QueuedMessage = z.infer<typeof queuedMessageSchema>;

/** What a model accepts as input: text always; images and PDF files when the catalog says so. */
export const modelInputSchema = z.enum(['text', 'image', 'pdf']);
export type ModelInput = z.infer<typeof modelInputSchema>;

export const priceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
});

export const modelInfoSchema = z.object({
  id: z.string(),
  label: z.string(),
  provider: z.string(),
  providerType: providerTypeSchema,
  model: z.string(),
  tier: tierSchema.nullable(),
  aliases: z.array(z.string()),
  enabled: z.boolean(),
  contextWindow: z.number().int().positive(),
  price: priceSchema.nullable(),
  fallbacks: z.array(z.string()),
  input: z.array(modelInputSchema).optional().describe('what the model reads besides text: `image` (images), `pdf` (PDF files as files; others get their text)'),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const providerInfoSchema = z.object({
  id: z.string(),
  type: providerTypeSchema,
  baseUrl: z.string().nullable(),
  hasApiKey: z.boolean(),
});
export type ProviderInfo = z.infer<typeof providerInfoSchema>;

export const modelsResponseSchema = z.object({
  models: z.array(modelInfoSchema),
  defaultModel: effectiveModelSchema,
  tiers: z.record(tierSchema, z.string().nullable()),
  providers: z.array(providerInfoSchema),
  offlineOnly: z.boolean(),
});
export type ModelsResponse = z.infer<typeof modelsResponseSchema>;

export const usageTotalsSchema = usageSchema.extend({ calls: z.number().int().nonnegative() });
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

export const sessionUsageSchema = z.object({
  sessionId: z.string(),
  primary: usageTotalsSchema,
  delegation: z.record(z.string(), usageTotalsSchema),
  total: usageTotalsSchema,
  byModel: z.record(z.string(), usageTotalsSchema),
});
export type SessionUsage = z.infer<typeof sessionUsageSchema>;

/** A day (UTC) or an ISO 8601 instant with its offset, for usage ranges. */
const usageBoundSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const usageReportQuerySchema = z
  .object({
    /** From this instant or UTC day (inclusive). */
    from: usageBoundSchema.optional(),
    /** Up to this instant (exclusive), or to the end of this UTC day. */
    to: usageBoundSchema.optional(),
    channel: channelSchema.optional(),
    /** Only what this person caused (their turns and the delegated calls of those turns). */
    personId: z.string().trim().min(1).max(64).optional(),
    /** How many conversations to list, the most used first (default 50). */
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
export type UsageReportQuery = z.infer<typeof usageReportQuerySchema>;

export const usageReportSchema = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  channel: channelSchema.nullable(),
  personId: z.string().nullable().optional().describe('the person filter, when one was given'),
  total: usageTotalsSchema,
  primary: usageTotalsSchema,
  delegation: z.record(z.string(), usageTotalsSchema),
  byModel: z.record(z.string(), usageTotalsSchema),
  /** Per person who caused the calls (person id; `unknown` for calls without a known speaker). */
  byPerson: z.record(z.string(), usageTotalsSchema).optional(),
  /** Per UTC day with any model call, ascending. */
  byDay: z.array(z.object({ day: z.string(), total: usageTotalsSchema })),
  /** How many conversations made model calls in the range. */
  sessionCount: z.number().int().nonnegative(),
  /** The most used conversations (by tokens), up to `limit`. */
  sessions: z.array(
    z.object({
      sessionId: z.string(),
      title: z.string().nullable(),
      channel: channelSchema,
      peerId: z.string(),
      primary: usageTotalsSchema,
      delegation: usageTotalsSchema,
      total: usageTotalsSchema,
    }),
  ),
});
export type UsageReport = z.infer<typeof usageReportSchema>;

// ---- requests ----

export const createSessionRequestSchema = z
  .object({
    channel: channelSchema.optional(),
    peerId: z.string().trim().min(1).max(LIMITS.maxPeerIdChars).optional(),
    title: z.string().trim().min(1).max(LIMITS.maxTitleChars).optional(),
    projectId: z.string().trim().min(1).max(200).optional(),
    agent: z.string().trim().min(1).max(100).optional(),
    group: z
      .string()
      .trim()
      .min(1)
      .max(LIMITS.maxPeerIdChars)
      .optional()
      .describe('a group chat: its stable key on the channel (topics of one group share it); a group is an audience, not a person'),
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof createSessionRequestSchema>;

export const listSessionsQuerySchema = z
  .object({
    channel: channelSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    archived: z.enum(['true', 'false', 'all']).optional().describe('default false: archived conversations are hidden; true: only them; all: both'),
  })
  .strict();
export type ListSessionsQuery = z.infer<typeof listSessionsQuerySchema>;

export const listMessagesQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    /** The first `limit` messages after this seq (catching up). */
    afterSeq: z.coerce.number().int().min(0).optional(),
    /** The last `limit` messages before this seq (loading earlier history); not with afterSeq. */
    beforeSeq: z.coerce.number().int().min(1).optional(),
  })
  .strict();
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;

/** Ids of uploaded attachments (`POST /sessions/{id}/attachments`) sent with a message. */
export const attachmentIdsSchema = z
  .array(z.string().trim().min(1).max(64))
  .max(LIMITS.maxAttachmentIds)
  .describe('attachments uploaded to this session and not sent yet, in the order the model should see them');

export const sendMessageRequestSchema = z
  .object({
    // Blank text is refused unless the message carries attachments (checked by the session lib, for every door).
    text: z.string().max(LIMITS.maxMessageChars),
    model: modelRef.optional(),
    wait: z.boolean().optional(),
    sender: senderSchema.optional(),
    attachmentIds: attachmentIdsSchema.optional(),
  })
  .strict();
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

export const commandResultSchema = z.object({
  name: z.string(),
  args: z.array(z.string()),
  ok: z.boolean(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

export const sendMessageResponseSchema = z.object({
  queued: z.boolean(),
  turnId: z.string().optional(),
  message: messageSchema.optional().describe('the stored user message (absent when queued)'),
  queuedMessage: queuedMessageSchema.optional(),
  reply: messageSchema.optional().describe('the assistant reply (with wait: true) or the command reply'),
  command: commandResultSchema.optional(),
});
export type SendMessageResponse = z.infer<typeof sendMessageResponseSchema>;

export const setModelRequestSchema = z.object({ model: modelRef }).strict();
export type SetModelRequest = z.infer<typeof setModelRequestSchema>;

export const promoteRequestSchema = z.object({ interrupt: z.boolean().optional() }).strict();
export type PromoteRequest = z.infer<typeof promoteRequestSchema>;

export const healthResponseSchema = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** One readiness check: `ok`, `failed`, or `unknown` (migrations, while the database does not answer). */
export const readyCheckSchema = z.enum(['ok', 'failed', 'unknown']);
/** What readiness checks: the database answers a query, no migration is pending, the model catalog is loaded. */
export const readyChecksSchema = z.object({ database: readyCheckSchema, migrations: readyCheckSchema, catalog: readyCheckSchema });
export type ReadyChecks = z.infer<typeof readyChecksSchema>;
/** `GET /api/v1/health/ready` when every check passes (otherwise a 503 NOT_READY with `details.checks`). */
export const readyResponseSchema = z.object({ status: z.literal('ready'), checks: readyChecksSchema });
export type ReadyResponse = z.infer<typeof readyResponseSchema>;

export const queueResponseSchema = z.object({ sessionId: z.string(), queue: z.array(queuedMessageSchema) });
export type QueueResponse = z.infer<typeof queueResponseSchema>;

export const messagesResponseSchema = z.object({ sessionId: z.string(), messages: z.array(messageSchema) });
export type MessagesResponse = z.infer<typeof messagesResponseSchema>;

export const sessionsResponseSchema = z.object({ sessions: z.array(sessionSchema) });
export type SessionsResponse = z.infer<typeof sessionsResponseSchema>;

export const okResponseSchema = z.object({ ok: z.literal(true) });
export type OkResponse = z.infer<typeof okResponseSchema>;

export const abortResponseSchema = z.object({ aborted: z.boolean() });
export type AbortResponse = z.infer<typeof abortResponseSchema>;
/** Retry or regenerate a reply: re-runs its turn (the user's text again), optionally with another model. */
export const retryMessageRequestSchema = z
  .object({
    model: modelRef.optional(),
    wait: z.boolean().optional(),
  })
  .strict();
export type RetryMessageRequest = z.infer<typeof retryMessageRequestSchema>;

/** Edit a user message and resend it: the conversation continues from there; the later turns are archived. */
export const editMessageRequestSchema = z
  .object({
    text: z.string().min(1).max(LIMITS.maxMessageChars).refine((t) => t.trim().length > 0, 'text must not be blank'),
    model: modelRef.optional(),
    wait: z.boolean().optional(),
  })
  .strict();
export type EditMessageRequest = z.infer<typeof editMessageRequestSchema>;

/** What a retry, regeneration or edit started: the new turn, its user message and what was archived. */
export const rerunResponseSchema = z.object({
  turnId: z.string(),
  message: messageSchema.describe('the new user message of the turn (the same text for a retry, the edited text for an edit)'),
  archivedMessageIds: z.array(z.string()).describe('messages now `superseded` (kept in history, out of the model context)'),
  reply: messageSchema.optional().describe('the new reply, with wait: true'),
});
export type RerunResponse = z.infer<typeof rerunResponseSchema>;

export const compactResponseSchema = z.object({ compacted: z.boolean(), message: messageSchema.nullable() });
export type CompactResponse = z.infer<typeof compactResponseSchema>;
