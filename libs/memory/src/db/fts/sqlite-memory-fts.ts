import type { EntityManager, QueryRunner } from 'typeorm';
import { contentTokens } from '../../text/normalise-text';
import { slotToken } from '../../text/slots';

/**
 * Everything SQLite-specific about memory full-text search lives here: the FTS5 tables, the
 * document and query format, and the bm25 search. A PostgreSQL implementation (a tsvector
 * column with a GIN index and ts_rank) would implement `MemorySearchIndex` beside it.
 */

/** A full-text hit: the memory row (as selected) with its bm25 score (lower is better). */
export interface SearchHit<Row> {
  row: Row;
  bm25: number;
}

/** A scope predicate over the `memories` table aliased `m`, with its named parameters. */
export interface ScopePredicate {
  sql: string;
  params: Record<string, unknown>;
}

/** The full-text index of memories, kept in sync by the store inside its transactions. */
export interface MemorySearchIndex {
  /** Stores (or replaces) a memory's document. */
  put(manager: EntityManager, docId: number, content: string, tags: readonly string[]): Promise<void>;
  /** Removes a memory's document. */
  remove(manager: EntityManager, docId: number): Promise<void>;
  /** Active memories matching any term of the text within the scope, best bm25 first. `columns` must include m."doc_id". */
  search<Row>(manager: EntityManager, text: string, columns: string, scope: ScopePredicate, limit: number): Promise<Array<SearchHit<Row>>>;
}

export const FTS_TABLE = 'memories_fts';
export const FTS_VOCAB_TABLE = 'memories_fts_vocab';

/**
 * Contentless (the index keeps no copy of the text) with deletes enabled, and secure-delete so
 * a deleted memory's tokens are purged from the index rather than hidden behind a tombstone.
 */
export async function createSqliteMemoryFts(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    `CREATE VIRTUAL TABLE "${FTS_TABLE}" USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`,
  );
  await queryRunner.query(`INSERT INTO "${FTS_TABLE}"("${FTS_TABLE}", rank) VALUES ('secure-delete', 1)`);
  await queryRunner.query(`CREATE VIRTUAL TABLE "${FTS_VOCAB_TABLE}" USING fts5vocab("${FTS_TABLE}", 'row')`);
}

export async function dropSqliteMemoryFts(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE IF EXISTS "${FTS_VOCAB_TABLE}"`);
  await queryRunner.query(`DROP TABLE IF EXISTS "${FTS_TABLE}"`);
}

/** The indexed form of a memory: its tokens (the gate's tokenizer), its tags and its slot token. */
export function ftsDocument(content: string, tags: readonly string[]): string {
  const slot = slotToken(content);
  return [...contentTokens([content, ...tags].join(' ')), ...(slot ? [slot] : [])].join(' ');
}

/** The distinct search terms of a text (with its slot token), in order of appearance. */
export function searchTerms(text: string): string[] {
  const slot = slotToken(text);
  return [...new Set([...contentTokens(text), ...(slot ? [slot] : [])])].slice(0, 32);
}

/**
 * An FTS5 OR query of the terms, each quoted: user text can never inject FTS syntax (`NEAR`,
 * `*`, `-`, `"`), because terms are letters and digits only and any quote is doubled anyway.
 */
export function ftsOrQuery(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
}

export interface SqliteMemorySearchOptions {
  /**
   * How many index entries (documents per term, summed) one query may score. Terms are taken
   * rarest first; the most common ones (which bm25 weighs near zero anyway) are dropped past it.
   * This bounds retrieval latency however large the store grows.
   */
  postingsBudget?: number;
}

/**
 * Document frequency of every indexed term, read from the index now and then: asking the index
 * for one term's frequency walks its whole doclist, which costs as much as the search itself.
 */
interface TermStats {
  docs: Map<string, number>;
  /** Index writes when the snapshot was taken, and when (other processes may write too). */
  writes: number;
  at: number;
}

const STATS_MAX_AGE_MS = 5 * 60_000;

/** SQLite FTS5 implementation of the memory search index. */
export class SqliteMemorySearch implements MemorySearchIndex {
  private readonly postingsBudget: number;
  private stats: TermStats | null = null;
  private refreshing: Promise<void> | null = null;
  private writes = 0;

  constructor(options: SqliteMemorySearchOptions = {}) {
    this.postingsBudget = options.postingsBudget ?? 1500;
  }

  async put(manager: EntityManager, docId: number, content: string, tags: readonly string[]): Promise<void> {
    await manager.query(`DELETE FROM "${FTS_TABLE}" WHERE rowid = ?`, [docId]);
    await manager.query(`INSERT INTO "${FTS_TABLE}"(rowid, body) VALUES (?, ?)`, [docId, ftsDocument(content, tags)]);
    this.writes++;
  }

  async remove(manager: EntityManager, docId: number): Promise<void> {
    await manager.query(`DELETE FROM "${FTS_TABLE}" WHERE rowid = ?`, [docId]);
    this.writes++;
  }

  async search<Row>(manager: EntityManager, text: string, columns: string, scope: ScopePredicate, limit: number): Promise<Array<SearchHit<Row>>> {
    const terms = this.selectTerms(await this.termStats(manager), searchTerms(text));
    if (terms.length === 0) return [];
    const n = Math.max(1, Math.floor(limit));
    // Rank inside the index, checking scope through a covering index (no table reads), then
    // read the full rows of the best few. CROSS JOIN keeps the index as the outer loop.
    const ranked = await this.query<{ doc: number; bm25: number }>(
      manager,
      `SELECT "${FTS_TABLE}".rowid AS "doc", bm25("${FTS_TABLE}") AS "bm25"
       FROM "${FTS_TABLE}" CROSS JOIN "memories" m ON m."doc_id" = "${FTS_TABLE}".rowid
       WHERE "${FTS_TABLE}" MATCH :match AND m."superseded_by" IS NULL AND (${scope.sql})
       ORDER BY "bm25" LIMIT ${n}`,
      { ...scope.params, match: ftsOrQuery(terms) },
    );
    if (ranked.length === 0) return [];
    const score = new Map(ranked.map((r) => [Number(r.doc), Number(r.bm25)]));
    const rows = await this.query<Row & { doc_id: number | string }>(
      manager,
      `SELECT ${columns} FROM json_each(:docs) d CROSS JOIN "memories" m ON m."doc_id" = d.value`,
      { docs: JSON.stringify([...score.keys()]) },
    );
    return rows.map((row) => ({ row: row as Row, bm25: score.get(Number(row.doc_id))! })).sort((a, b) => a.bm25 - b.bm25);
  }

  private async query<T>(manager: EntityManager, sql: string, params: Record<string, unknown>): Promise<T[]> {
    const [text, values] = manager.dataSource.driver.escapeQueryWithParameters(sql, params);
    return (await manager.query(text, values)) as T[];
  }

  /** The snapshot of common terms: read once, then refreshed in the background after enough writes. */
  private async termStats(manager: EntityManager): Promise<TermStats> {
    if (!this.stats) {
      await this.refreshStats(manager);
    } else if (
      !this.refreshing &&
      (this.writes - this.stats.writes > Math.max(1000, this.stats.docs.size / 50) || Date.now() - this.stats.at > STATS_MAX_AGE_MS)
    ) {
      this.refreshing = this.refreshStats(manager.dataSource.manager)
        .catch(() => undefined)
        .finally(() => (this.refreshing = null));
    }
    return this.stats!;
  }

  private async refreshStats(manager: EntityManager): Promise<void> {
    const writes = this.writes;
    const rows = (await manager.query(`SELECT term, doc FROM "${FTS_VOCAB_TABLE}"`)) as Array<{ term: string; doc: number }>;
    this.stats = { docs: new Map(rows.map((r) => [r.term, Number(r.doc)])), writes, at: Date.now() };
  }

  /**
   * The terms worth scoring: every term the snapshot does not know (new or absent: rare either
   * way, one index lookup), then known terms rarest first within the postings budget. The rarest
   * known term is scored even past the budget (up to 2x), so a query of common words still finds something.
   */
  private selectTerms(stats: TermStats, terms: string[]): string[] {
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
