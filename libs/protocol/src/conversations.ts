import { z } from 'zod';
import { LIMITS, channelSchema, messageSchema, sessionSchema } from './schemas';

/** Limits of conversation management, search and import. */
export const CONVERSATION_LIMITS = {
  maxBulkIds: 200,
  maxSearchChars: 200,
  maxImportBytes: 50 * 1024 * 1024,
  maxImportSessions: 10_000,
} as const;

/** `PATCH /sessions/:id`: rename, archive, pin, show reasoning (at least one field). */
export const updateSessionRequestSchema = z
  .object({
    title: z.string().trim().min(1).max(LIMITS.maxTitleChars).optional(),
    archived: z.boolean().optional(),
    pinned: z.boolean().optional(),
    showReasoning: z.boolean().optional(),
  })
  .strict()
  .refine(
    (b) => b.title !== undefined || b.archived !== undefined || b.pinned !== undefined || b.showReasoning !== undefined,
    'give at least one of title, archived, pinned, showReasoning',
  );
export type UpdateSessionRequest = z.infer<typeof updateSessionRequestSchema>;

export const bulkSessionActionSchema = z.enum(['archive', 'unarchive', 'delete']);
export type BulkSessionAction = z.infer<typeof bulkSessionActionSchema>;

export const bulkSessionsRequestSchema = z
  .object({
    action: bulkSessionActionSchema,
    ids: z.array(z.string().min(1).max(64)).min(1).max(CONVERSATION_LIMITS.maxBulkIds),
  })
  .strict();
export type BulkSessionsRequest = z.infer<typeof bulkSessionsRequestSchema>;

export const bulkSessionResultSchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  session: sessionSchema.optional().describe('the session after the action (for delete: its last view)'),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type BulkSessionResult = z.infer<typeof bulkSessionResultSchema>;
export const bulkSessionsResponseSchema = z.object({ action: bulkSessionActionSchema, results: z.array(bulkSessionResultSchema) });
export type BulkSessionsResponse = z.infer<typeof bulkSessionsResponseSchema>;

// ---- search ----

export const searchQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(CONVERSATION_LIMITS.maxSearchChars),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    before: z.string().min(1).max(200).optional().describe('the `nextCursor` of the previous page'),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** Plain text with `[start, end)` ranges (UTF-16 offsets) to highlight: never HTML. */
export const snippetSchema = z.object({
  text: z.string(),
  highlights: z.array(z.tuple([z.number().int(), z.number().int()])),
});
export type Snippet = z.infer<typeof snippetSchema>;

export const searchHitSchema = z.object({
  session: sessionSchema,
  messageId: z.string().describe('the best matching message'),
  seq: z.number().int(),
  role: z.enum(['user', 'assistant']),
  snippet: snippetSchema,
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResponseSchema = z.object({
  results: z.array(searchHitSchema),
  nextCursor: z.string().nullable().describe('pass as `before` for the next page; null on the last'),
});
export type SearchResponse = z.infer<typeof searchResponseSchema>;

// ---- export / import ----

export const exportFormatSchema = z.enum(['markdown', 'json']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;
export const exportSessionQuerySchema = z.object({ format: exportFormatSchema.optional() }).strict();
export type ExportSessionQuery = z.infer<typeof exportSessionQuerySchema>;

export const ARCHIVE_VERSION = 1;

/** One conversation as exported: the session view, every message, and its settings. */
export const exportedSessionSchema = z.object({
  session: sessionSchema.extend({ archived: z.boolean().optional(), pinned: z.boolean().optional() }),
  messages: z.array(messageSchema).max(1_000_000),
  settings: z.record(z.string(), z.unknown()),
});
export type ExportedSession = z.infer<typeof exportedSessionSchema>;

export const conversationArchiveSchema = z
  .object({
    kind: z.literal('switchboard.archive'),
    version: z.literal(ARCHIVE_VERSION),
    exportedAt: z.string(),
    sessions: z.array(exportedSessionSchema).max(CONVERSATION_LIMITS.maxImportSessions),
  })
  .describe('every conversation (sessions, messages, session settings); memories and people stay with their install');
export type ConversationArchive = z.infer<typeof conversationArchiveSchema>;

export const importResponseSchema = z.object({
  imported: z.number().int().describe('conversations created'),
  skipped: z.number().int().describe('conversations already present (same session id): re-importing never duplicates'),
  renamed: z.array(z.object({ sessionId: z.string(), channel: channelSchema, from: z.string(), to: z.string() })).describe('peer ids taken on this install got a suffix'),
  messages: z.number().int(),
});
export type ImportResponse = z.infer<typeof importResponseSchema>;
