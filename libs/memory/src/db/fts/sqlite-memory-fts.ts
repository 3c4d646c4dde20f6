import type { EntityManager, QueryRunner } from 'typeorm';
import { documentTokens, searchTerms, TermStatistics, type IndexedDocument, type MemorySearchIndex, type ScopePredicate, type SearchHit, type TermSnapshot } from './memory-search-index';

/**
 * Everything SQLite-specific about memory full-text search lives here: the FTS5 tables, the
 * document and query format, and the bm25 search. PostgreSQL's counterpart is postgres-memory-fts.ts.
 */

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

/** The indexed form of a memory: its terms, space-separated. */
export function ftsDocument(content: string, tags: readonly string[]): string {
  return documentTokens(content, tags).join(' ');
}

/**
 * An FTS5 OR query of the terms, each quoted: user text can never inject FTS syntax (`NEAR`,
 * `*`, `-`, `"`), because terms are letters and digits only and any quote is doubled anyway.
 */
export function ftsOrQuery(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
}

export interface SqliteMemorySearchOptions {
  /** Whether queries ask for synonym concepts too (default true; off only to measure what they add). */
  synonyms?: boolean;
  /**
   * How many index entries (documents per term, summed) one query may score. Terms are taken
   * rarest first; the most common ones (which bm25 weighs near zero anyway) are dropped past it.
   * This bounds retrieval latency however large the store grows.
   */
  postingsBudget?: number;
}

/** SQLite FTS5 implementation of the memory search index. */
export class SqliteMemorySearch implements MemorySearchIndex {
  private readonly terms: TermStatistics;
  private readonly synonyms: boolean;

  constructor(options: SqliteMemorySearchOptions = {}) {
    this.synonyms = options.synonyms ?? true;
    this.terms = new TermStatistics(readVocabulary, { postingsBudget: options.postingsBudget ?? 1500 });
  }

  async put(manager: EntityManager, docs: readonly IndexedDocument[]): Promise<void> {
    for (const doc of docs) {
      await manager.query(`DELETE FROM "${FTS_TABLE}" WHERE rowid = ?`, [doc.docId]);
      await manager.query(`INSERT INTO "${FTS_TABLE}"(rowid, body) VALUES (?, ?)`, [doc.docId, ftsDocument(doc.content, doc.tags)]);
      this.terms.wrote();
    }
  }

  async remove(manager: EntityManager, docId: number): Promise<void> {
    await manager.query(`DELETE FROM "${FTS_TABLE}" WHERE rowid = ?`, [docId]);
    this.terms.wrote();
  }

  async search<Row>(manager: EntityManager, text: string, columns: string, scope: ScopePredicate, limit: number): Promise<Array<SearchHit<Row>>> {
    const terms = this.terms.select(await this.terms.snapshot(manager), searchTerms(text, this.synonyms));
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
}

/** Every indexed term's document frequency, from the FTS5 vocabulary (bm25 itself reads live counts). */
async function readVocabulary(manager: EntityManager): Promise<TermSnapshot> {
  const rows = (await manager.query(`SELECT term, doc FROM "${FTS_VOCAB_TABLE}"`)) as Array<{ term: string; doc: number }>;
  return { docs: new Map(rows.map((r) => [r.term, Number(r.doc)])), total: 0, meanLength: 0 };
}
