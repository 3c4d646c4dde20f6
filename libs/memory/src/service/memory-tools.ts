import { z } from 'zod';
import { MEMORY_MAX_CHARS, memoryScopeSchema, type MemoryScope } from '@switchboard/protocol';
import type { ToolContext, ToolSpec } from '@switchboard/models';
import { ownerFilter } from '../store/memory.store';
import { mayForget, readableFor, type MemoryAudience, type MemoryService } from './memory.service';

const searchInput = z.object({
  query: z.string().trim().min(1).max(500).describe('what to look for, in plain words'),
  limit: z.number().int().min(1).max(20).optional().describe('how many memories to return (default 5)'),
});
const saveInput = z.object({
  content: z.string().trim().min(1).max(MEMORY_MAX_CHARS).describe('one self-contained fact about the user, in the third person'),
  scope: memoryScopeSchema
    .optional()
    .describe(
      'person (the speaker; default), group (this group chat; default in a group), project, global (shared; owner only)',
    ),
  category: z.string().trim().min(1).max(50).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
});
const forgetInput = z.object({ id: z.string().trim().min(1).max(64).describe('the id of the memory, from memory_search') });

export type MemorySearchInput = z.infer<typeof searchInput>;
export type MemorySaveInput = z.infer<typeof saveInput>;
export type MemoryForgetInput = z.infer<typeof forgetInput>;

export interface MemorySearchOutput {
  memories: Array<{ id: string; content: string; scope: MemoryScope; relevance: number }>;
}
export interface MemorySaveOutput {
  saved: boolean;
  action: string;
  reason: string;
  id: string | null;
}
export interface MemoryForgetOutput {
  forgotten: boolean;
}

/** The turn's audience: the tool context's speaker and group, else what the turn was prepared with. */
function audienceOf(service: MemoryService, ctx: ToolContext): MemoryAudience {
  const recorded = service.turnAudience(ctx.turnId);
  return { speaker: ctx.speaker ?? recorded?.speaker ?? null, groupId: ctx.groupId ?? recorded?.groupId ?? null, projectId: ctx.projectId };
}

const refused = (reason: string): MemorySaveOutput => ({ saved: false, action: 'rejected', reason, id: null });

/**
 * The orchestrator's memory tools. Every call is confined to what the turn may read (the speaker's
 * own memories in a private chat, the group's in a group, the project's, global): a tool can
 * neither see nor forget another person's, group's or project's memories. Saving `global` is the
 * owner's alone; forgetting is limited to what the speaker owns.
 */
export function memoryTools(service: MemoryService): [
  ToolSpec<MemorySearchInput, MemorySearchOutput>,
  ToolSpec<MemorySaveInput, MemorySaveOutput>,
  ToolSpec<MemoryForgetInput, MemoryForgetOutput>,
] {
  return [
    {
      name: 'memory_search',
      description: 'Search what you remember about the user. Returns ids usable with memory_forget.',
      input: searchInput,
      async execute(input, ctx: ToolContext) {
        // Memory switched off (or off for this agent): nothing remembered is used, tools included.
        if (!(await service.toolsAllowed(ctx.turnId))) return { memories: [] };
        // Full text and, with an embedding model, meaning: the same search a turn's retrieval starts from.
        const hits = await service.search(input.query, readableFor(audienceOf(service, ctx)), input.limit ?? 5);
        return {
          memories: hits.map((h) => ({ id: h.id, content: h.content, scope: h.scope, relevance: Math.round(h.relevance * 1000) / 1000 })),
        };
      },
    },
    {
      name: 'memory_save',
      description:
        'Remember a lasting fact or preference the user stated (not something you inferred). Secrets, duplicates and chit-chat are refused with a reason.',
      input: saveInput,
      async execute(input, ctx: ToolContext) {
        if (!(await service.toolsAllowed(ctx.turnId))) return refused('DISABLED');
        const audience = audienceOf(service, ctx);
        const scope = input.scope ?? (audience.groupId !== null ? 'group' : 'person');
        // Only the owner shares a memory with everyone; a personal fact needs a known speaker; a group fact a group.
        if (scope === 'global' && audience.speaker?.role !== 'owner') return refused('NOT_ALLOWED');
        if (scope === 'person' && audience.speaker === null) return refused('NOT_ALLOWED');
        if (scope === 'group' && audience.groupId === null) return refused('NOT_ALLOWED');
        const { decision, memory } = await service.applyCandidate(
          { content: input.content, scope, confidence: 0.9, category: input.category ?? null, tags: input.tags ?? [], targetId: null },
          {
            origin: 'tool',
            sessionId: ctx.sessionId,
            projectId: ctx.projectId,
            personId: audience.speaker?.personId ?? null,
            groupId: audience.groupId,
            // Grounded in what the user said this turn, when the turn is known.
            sourceText: service.turnSourceText(ctx.turnId),
            injected: [],
            sourceMessageId: null,
          },
        );
        return { saved: memory !== null, action: decision.action, reason: decision.reason, id: memory?.id ?? null };
      },
    },
    {
      name: 'memory_forget',
      description: 'Forget a memory for good (hard delete) when the user asks you to. Takes an id from memory_search.',
      input: forgetInput,
      async execute(input, ctx: ToolContext) {
        const audience = audienceOf(service, ctx);
        const memory = await service.store.get(input.id, readableFor(audience));
        // Only what the speaker may see and owns: never another person's memory.
        if (!memory || !mayForget(memory, audience)) return { forgotten: false };
        const removed = await service.store.hardDelete(memory.id, ownerFilter(memory), { reason: 'TOOL_FORGET', sessionId: ctx.sessionId });
        return { forgotten: removed > 0 };
      },
    },
  ];
}
