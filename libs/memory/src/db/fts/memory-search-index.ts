import type { EntityManager } from 'typeorm';
import { contentTokens } from '../../text/normalise-text';
import { slotToken } from '../../text/slots';
import { synonymTokens } from '../../text/synonyms';

/**
 * What both full-text implementations of memory search share: the interface the store calls,
 * the document and query terms (the gate's tokenizer, so both dialects index the same words),
 * and the term-frequency snapshot that bounds how much one query may score.
 */

/** A full-text hit: the memory row (as selected) with its bm25 score (negative; lower is better). */
export interface SearchHit<Row> {
  row: Row;
  bm25: number;
}

/** A scope predicate over the `memories` table aliased `m`, with its named parameters. */
export interface ScopePredicate {
  sql: string;
  params: Record<string, unknown>;
}

/** One memory's searchable text. */
export interface IndexedDocument {
  docId: number;
  content: string;
  tags: readonly string[];
}

/** The full-text index of memories, kept in sync by the store inside its transactions. */
export interface MemorySearchIndex {
  /** Stores (or replaces) the documents of these memories. */
  put(manager: EntityManager, docs: readonly IndexedDocument[]): Promise<void>;
  /** Removes a memory's document (it leaves retrieval; the row may stay as history). */
  remove(manager: EntityManager, docId: number): Promise<void>;
  /** Active memories matching any term of the text within the scope, best bm25 first. `columns` must include m."doc_id". */
  search<Row>(manager: EntityManager, text: string, columns: string, scope: ScopePredicate, limit: number): Promise<Array<SearchHit<Row>>>;
}

/** The indexed terms of a memory, in order: its tokens (the gate's tokenizer), its tags', its slot token and its synonym concepts. */
export function documentTokens(content: string, tags: readonly string[]): string[] {
  const slot = slotToken(content);
  const tokens = contentTokens([content, ...tags].join(' '));
  return [...tokens, ...(slot ? [slot] : []), ...synonymTokens(tokens)];
}

/** The distinct search terms of a text (with its slot token and, unless turned off, synonym concepts), its own words first. */
export function searchTerms(text: string, synonyms = true): string[] {
  const slot = slotToken(text);
  const tokens = contentTokens(text);
  return [...new Set([...tokens, ...(slot ? [slot] : []), ...(synonyms ? synonymTokens(tokens) : [])])].slice(0, 32);
}

/** Document frequency of every indexed term, read from the index now and then. */
export interface TermSnapshot {
  docs: Map<string, number>;
  /** Documents in the index, and their mean length in terms (what bm25 normalises by). */
  total: number;
  meanLength: number;
}

interface Snapshot extends TermSnapshot {
  /** Index writes when the snapshot was taken, and when (other processes may write too). */
  writes: number;
  at: number;
}

const STATS_MAX_AGE_MS = 5 * 60_000;

export interface TermStatisticsOptions {
  /** How many index entries (documents per term, summed) one query may score. */
  postingsBudget: number;
  /**
   * Below this many documents the snapshot is retaken before the next search after any write
   * (there it costs about as much as a search). For an index whose scores come from the snapshot.
   */
  exactBelow?: number;
}

/**
 * Asking the index for one term's frequency walks its whole posting list, which costs as much as
 * the search itself; so frequencies come from a snapshot, refreshed after enough writes (in the
 * background once the index is large) and at least every five minutes.
 */
export class TermStatistics {
  private stats: Snapshot | null = null;
  private refreshing: Promise<void> | null = null;
  private writes = 0;

  private readonly postingsBudget: number;
  private readonly exactBelow: number;

  constructor(
    private readonly read: (manager: EntityManager) => Promise<TermSnapshot>,
    options: TermStatisticsOptions,
  ) {
    this.postingsBudget = options.postingsBudget;
    this.exactBelow = options.exactBelow ?? 0;
  }

  /** Counts an index write (the snapshot ages with them). */
  wrote(): void {
    this.writes++;
  }

  /** The current snapshot: read once, then refreshed as writes accumulate. */
  async snapshot(manager: EntityManager): Promise<TermSnapshot> {
    const stats = this.stats;
    if (!stats) {
      await this.refresh(manager);
    } else if (!this.refreshing) {
      const written = this.writes - stats.writes;
      if (written > 0 && stats.total < this.exactBelow) {
        await this.refresh(manager);
      } else if (written > Math.max(1000, stats.docs.size / 50) || Date.now() - stats.at > STATS_MAX_AGE_MS) {
        this.refreshing = this.refresh(manager.dataSource.manager)
          .catch(() => undefined)
          .finally(() => (this.refreshing = null));
      }
    }
    return this.stats!;
  }

  private async refresh(manager: EntityManager): Promise<void> {
    const writes = this.writes;
    const read = await this.read(manager);
    this.stats = { ...read, writes, at: Date.now() };
  }

  /**
   * The terms worth scoring: every term the snapshot does not know (new or absent: rare either
   * way, one index lookup), then known terms rarest first within the postings budget. The rarest
   * known term is scored even past the budget (up to 2x), so a query of common words still finds
   * something. The most common terms, which bm25 weighs near zero anyway, are dropped past it:
   * this bounds retrieval latency however large the store grows.
   */
  select(stats: TermSnapshot, terms: readonly string[]): string[] {
    const unknown = terms.filter((t) => !stats.docs.has(t));
    const known = terms.filter((t) => stats.docs.has(t)).sort((a, b) => stats.docs.get(a)! - stats.docs.get(b)!);
    const out = [...unknown];
    let budget = this.postingsBudget;
    for (const [i, t] of known.entries()) {
      const n = stats.docs.get(t)!;
      if (n > budget && (i > 0 || n > this.postingsBudget * 2)) break;
      out.push(t);
      budget -= n;
    }
    return out;
  }
}

/** A memory row's `tags` column (a JSON array) as strings; anything else reads as no tags. */
export function parseStoredTags(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
