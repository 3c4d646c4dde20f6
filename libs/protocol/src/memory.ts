import { z } from 'zod';

/**
 * Memory scope: `person` belongs to one person (what they said), `group` to one group chat,
 * `project` to one project, and `global` is shared with everyone, deliberately (only the owner
 * creates or promotes one).
 */
export const memoryScopeSchema = z.enum(['global', 'project', 'person', 'group']);
export type MemoryScope = z.infer<typeof memoryScopeSchema>;

export const MEMORY_MAX_CHARS = 1000;

export const memorySchema = z.object({
  id: z.string(),
  content: z.string(),
  scope: memoryScopeSchema,
  projectId: z.string().nullable(),
  /** The person a `person` memory belongs to. */
  personId: z.string().nullable().optional(),
  /** The group chat (`channel:group`) a `group` memory belongs to. */
  groupId: z.string().nullable().optional(),
  category: z.string().nullable(),
  tags: z.array(z.string()),
  confidence: z.number().min(0).max(1),
  source: z.enum(['extracted', 'user', 'tool']),
  sourceSessionId: z.string().nullable(),
  sourceMessageId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When a person last edited or moved it (null: never); from its history. */
  editedAt: z.string().nullable().optional(),
  /** The person id of that edit (`owner` for the dashboard and the API; null: unknown). */
  editedBy: z.string().nullable().optional(),
  /** relevance score when listed with `q` */
  score: z.number().optional(),
});
export type Memory = z.infer<typeof memorySchema>;

export const listMemoriesQuerySchema = z
  .object({
    scope: memoryScopeSchema.optional(),
    projectId: z.string().min(1).max(200).optional(),
    personId: z.string().min(1).max(64).optional(),
    groupId: z.string().min(1).max(250).optional(),
    q: z.string().min(1).max(500).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();
export type ListMemoriesQuery = z.infer<typeof listMemoriesQuerySchema>;

export const memoriesResponseSchema = z.object({ memories: z.array(memorySchema) });
export type MemoriesResponse = z.infer<typeof memoriesResponseSchema>;

export const createMemoryRequestSchema = z
  .object({
    content: z.string().trim().min(1).max(MEMORY_MAX_CHARS),
    scope: memoryScopeSchema.default('global'),
    projectId: z.string().min(1).max(200).optional(),
    personId: z.string().min(1).max(64).optional().describe('required with scope "person"'),
    groupId: z.string().min(1).max(250).optional().describe('required with scope "group"'),
    category: z.string().min(1).max(50).optional(),
    tags: z.array(z.string().min(1).max(50)).max(20).optional(),
  })
  .strict();
export type CreateMemoryRequest = z.input<typeof createMemoryRequestSchema>;

export const updateMemoryRequestSchema = z
  .object({
    content: z.string().trim().min(1).max(MEMORY_MAX_CHARS).optional(),
    category: z.string().min(1).max(50).nullable().optional(),
    tags: z.array(z.string().min(1).max(50)).max(20).optional(),
    scope: memoryScopeSchema.optional().describe('move the memory (e.g. promote a person memory to global), with the personId, groupId or projectId its new scope needs'),
    personId: z.string().min(1).max(64).optional(),
    groupId: z.string().min(1).max(250).optional(),
    projectId: z.string().min(1).max(200).optional(),
  })
  .strict();
export type UpdateMemoryRequest = z.infer<typeof updateMemoryRequestSchema>;

/** The gate's verdict on a memory candidate (also returned when POST refuses one). */
export const memoryDecisionSchema = z.object({
  action: z.enum(['accepted', 'merged', 'superseded', 'rejected']),
  reason: z.string().describe('a stable reason code, e.g. DUPLICATE, SECRET, LOW_CONFIDENCE, TOO_LONG'),
  memory: memorySchema.nullable(),
});
export type MemoryDecision = z.infer<typeof memoryDecisionSchema>;

export const memorySettingsSchema = z.object({ enabled: z.boolean(), silent: z.boolean() });
export type MemorySettings = z.infer<typeof memorySettingsSchema>;
export const updateMemorySettingsRequestSchema = memorySettingsSchema.partial().strict();
export type UpdateMemorySettingsRequest = z.infer<typeof updateMemorySettingsRequestSchema>;

/** Counters of the memory pipeline (`GET /api/v1/memories/metrics`): queue depth, flushes, drops, decisions. */
export const memoryMetricsSchema = z.object({
  queue: z.object({
    depth: z.number().int().describe('events waiting now, over all sessions'),
    keys: z.number().int().describe('sessions with waiting events'),
    enqueued: z.number().int(),
    flushes: z.number().int(),
    drops: z.number().int().describe('events merged into a full session queue (never lost)'),
    failures: z.number().int(),
    inFlight: z.number().int(),
  }),
  extraction: z.object({ runs: z.number().int(), failures: z.number().int(), candidates: z.number().int(), emptyResponses: z.number().int() }),
  decisions: z.record(z.string(), z.number().int()).describe('gate decisions per action'),
  reasons: z.record(z.string(), z.number().int()).describe('gate decisions per reason code'),
  retrieval: z.object({ runs: z.number().int(), injected: z.number().int(), scopeViolations: z.number().int() }),
});
export type MemoryMetrics = z.infer<typeof memoryMetricsSchema>;
