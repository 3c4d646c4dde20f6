import { estimateTokens } from '@switchboard/models';
import type { MemoryScope } from '@switchboard/protocol';

/** A retrieval candidate: a stored memory with its full-text relevance to the user's message. */
export interface RankableMemory {
  id: string;
  content: string;
  scope: MemoryScope;
  projectId: string | null;
  confidence: number;
  updatedAt: string;
  /** 0..1, relative to the best full-text hit of the query (0 when it did not match). */
  relevance: number;
  /** The store's insertion order, when known: equal scores go newest first (then by id), so a ranking is reproducible. */
  docId?: number;
}

export interface RetrievalConfig {
  /** Token budget of the injected section (estimated: ceil(chars / 4)). */
  tokenBudget: number;
  maxItems: number;
  weights: { relevance: number; confidence: number; recency: number };
  recencyHalfLifeDays: number;
}

export const DEFAULT_RETRIEVAL_CONFIG: RetrievalConfig = {
  tokenBudget: 600,
  maxItems: 20,
  weights: { relevance: 0.6, confidence: 0.25, recency: 0.15 },
  recencyHalfLifeDays: 30,
};

/** bm25 scores (FTS5: lower is better, negative) as 0..1 relevance relative to the best one. */
export function relevanceFromBm25(ranks: readonly number[]): number[] {
  const best = Math.min(0, ...ranks);
  if (best === 0) return ranks.map(() => 0);
  return ranks.map((r) => Math.max(0, Math.min(1, r / best)));
}

/** How much of the best full-text hit's relevance the nearest memory by meaning may reach. */
export const SEMANTIC_WEIGHT = 0.8;

/**
 * Full-text and semantic relevance fused (0..1, by id): each memory takes the larger of its
 * full-text relevance (bm25 relative to the best hit) and `weight` times its semantic relevance
 * (cosine similarity scaled over the semantic hits: the nearest 1, the farthest 0). A memory the
 * full text missed can rise to `weight`, above weak word matches and the neighbours of strong
 * ones (half their hit), but the best word match keeps first place. Chosen on the evaluation set
 * (weights 0.5 to 0.9 measured, and reciprocal rank fusion, which flattens the bm25 scores the
 * ranking and the neighbour rule read, and lost recall there).
 */
export function fuseRelevance(lexical: ReadonlyMap<string, number>, similarity: ReadonlyMap<string, number>, weight = SEMANTIC_WEIGHT): Map<string, number> {
  const sims = [...similarity.values()];
  const hi = Math.max(...sims);
  const lo = Math.min(...sims);
  const fused = new Map(lexical);
  for (const [id, sim] of similarity) {
    const semantic = weight * (hi > lo ? (sim - lo) / (hi - lo) : 1);
    if ((fused.get(id) ?? -1) < semantic) fused.set(id, semantic);
  }
  return fused;
}

/** Orders memories by relevance to the message, confidence and recency (best first), with their scores. */
export function rankMemories<T extends RankableMemory>(items: readonly T[], now: number, config: RetrievalConfig = DEFAULT_RETRIEVAL_CONFIG): Array<T & { score: number }> {
  const { weights } = config;
  const halfLifeMs = config.recencyHalfLifeDays * 86_400_000;
  return items
    .map((m) => {
      const age = Math.max(0, now - Date.parse(m.updatedAt));
      const recency = Number.isFinite(age) ? Math.pow(0.5, age / halfLifeMs) : 0;
      const score = weights.relevance * m.relevance + weights.confidence * m.confidence + weights.recency * recency;
      return { ...m, score };
    })
    .sort((a, b) => b.score - a.score || (b.docId ?? 0) - (a.docId ?? 0) || (a.id < b.id ? -1 : 1));
}

/** The line a memory takes in the injected section; markup that could close the section is defused. */
export function memoryLine(m: Pick<RankableMemory, 'content' | 'scope'>): string {
  const content = m.content.replace(/\s+/g, ' ').replace(/<\/?\s*memory\b[^>]*>/gi, '(memory)');
  return `- ${content} (${m.scope})`;
}

const SECTION_HEAD =
  "What you remember about the user from earlier conversations. Use it when it is relevant; it may be outdated, and the user's latest words win. Do not recite this list unless asked.";

/** Keeps the best-ranked memories whose section fits the token budget (in order). */
export function packWithinBudget<T extends Pick<RankableMemory, 'content' | 'scope'>>(ranked: readonly T[], config: RetrievalConfig = DEFAULT_RETRIEVAL_CONFIG): T[] {
  let used = estimateTokens(`<memory>\n${SECTION_HEAD}\n</memory>`);
  const out: T[] = [];
  for (const m of ranked) {
    if (out.length >= config.maxItems) break;
    const cost = estimateTokens(memoryLine(m) + '\n');
    if (used + cost > config.tokenBudget) continue;
    used += cost;
    out.push(m);
  }
  return out;
}

/** The clearly delimited system-prompt section for the retrieved memories ('' when there are none). */
export function formatMemorySection(memories: ReadonlyArray<Pick<RankableMemory, 'content' | 'scope'>>): string {
  if (memories.length === 0) return '';
  return ['<memory>', SECTION_HEAD, ...memories.map(memoryLine), '</memory>'].join('\n');
}
