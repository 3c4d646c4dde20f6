import { z } from 'zod';
import { MEMORY_MAX_CHARS, memoryScopeSchema, type MemoryScope } from '@switchboard/protocol';
import type { ToolContext, ToolSpec } from '@switchboard/models';
import type { MemoryService } from './memory.service';

const searchInput = z.object({
  query: z.string().trim().min(1).max(500).describe('what to look for, in plain words'),
  limit: z.number().int().min(1).max(20).optional().describe('how many memories to return (default 5)'),
});
const saveInput = z.object({
  content: z.string().trim().min(1).max(MEMORY_MAX_CHARS).describe('one self-contained fact about the user, in the third person'),
  scope: memoryScopeSchema.optional().describe('"global" (about the person, default) or "project" (only this project)'),
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

/**
 * The orchestrator's memory tools. Every call is confined to the turn's scope: global memories
 * plus the session's project — a tool can neither see nor forget another project's memories.
 */
export function memoryTools(service: MemoryService): [
  ToolSpec<MemorySearchInput, MemorySearchOutput>,
  ToolSpec<MemorySaveInput, MemorySaveOutput>,
  ToolSpec<MemoryForgetInput, MemoryForgetOutput>,
] {
  return [
    {
      name: 'memory_search',
      description: 'Search what you remember about the user (global memories and this project\'s). Returns ids usable with memory_forget.',
      input: searchInput,
      async execute(input, ctx: ToolContext) {
        // Memory switched off (or off for this agent): nothing remembered is used, tools included.
        if (!(await service.toolsAllowed(ctx.turnId))) return { memories: [] };
        const hits = await service.store.search(input.query, { scope: 'session', projectId: ctx.projectId }, input.limit ?? 5);
        const best = Math.min(0, ...hits.map((h) => h.bm25));
        return {
          memories: hits.map((h) => ({
            id: h.record.id,
            content: h.record.content,
            scope: h.record.scope,
            relevance: best === 0 ? 0 : Math.round((h.bm25 / best) * 1000) / 1000,
          })),
        };
      },
    },
    {
      name: 'memory_save',
      description:
        'Remember a lasting fact or preference the user stated (not something you inferred). Secrets, duplicates and chit-chat are refused with a reason.',
      input: saveInput,
      async execute(input, ctx: ToolContext) {
        if (!(await service.toolsAllowed(ctx.turnId))) return { saved: false, action: 'rejected', reason: 'DISABLED', id: null };
        const { decision, memory } = await service.applyCandidate(
          { content: input.content, scope: input.scope ?? 'global', confidence: 0.9, category: input.category ?? null, tags: input.tags ?? [], targetId: null },
          {
            origin: 'tool',
            sessionId: ctx.sessionId,
            projectId: ctx.projectId,
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
        const removed = await service.store.hardDelete(input.id, { scope: 'session', projectId: ctx.projectId }, { reason: 'TOOL_FORGET', sessionId: ctx.sessionId });
        return { forgotten: removed > 0 };
      },
    },
  ];
}
