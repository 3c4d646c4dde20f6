import { contentTokens } from './normalise-text';

/** How two texts overlap, on their content tokens (as sets). */
export interface TokenOverlap {
  /** |A ∩ B| / |A ∪ B| */
  jaccard: number;
  /** Share of A's tokens found in B (1 when A says nothing B does not). */
  aInB: number;
  /** Share of B's tokens found in A. */
  bInA: number;
  /** Tokens only A has. */
  onlyA: string[];
  /** Tokens only B has. */
  onlyB: string[];
}

/** Token-set overlap of two already-tokenised texts. */
export function overlapOf(a: readonly string[], b: readonly string[]): TokenOverlap {
  const sa = new Set(a);
  const sb = new Set(b);
  let shared = 0;
  const onlyA: string[] = [];
  for (const t of sa) {
    if (sb.has(t)) shared++;
    else onlyA.push(t);
  }
  const onlyB = [...sb].filter((t) => !sa.has(t));
  const union = sa.size + sb.size - shared;
  return {
    jaccard: union === 0 ? 1 : shared / union,
    aInB: sa.size === 0 ? 1 : shared / sa.size,
    bInA: sb.size === 0 ? 1 : shared / sb.size,
    onlyA,
    onlyB,
  };
}

/** Token-set overlap of two texts. */
export function textOverlap(a: string, b: string): TokenOverlap {
  return overlapOf(contentTokens(a), contentTokens(b));
}

/** Share of `text`'s content tokens that occur in `source` (how grounded a statement is in it). */
export function grounding(text: string, source: string): number {
  const tokens = new Set(contentTokens(text));
  if (tokens.size === 0) return 0;
  const src = new Set(contentTokens(source));
  let found = 0;
  for (const t of tokens) if (src.has(t)) found++;
  return found / tokens.size;
}
