import type { EntityManager, QueryRunner } from 'typeorm';
import { bindNamed, selectRows } from '@switchboard/persistence';
import { documentTokens, parseStoredTags, searchTerms, TermStatistics, type IndexedDocument, type MemorySearchIndex, type ScopePredicate, type SearchHit, type TermSnapshot } from './memory-search-index';

/**
 * Everything PostgreSQL-specific about memory full-text search: a `tsvector` column on the
 * memory row with a GIN index, and a bm25 ranking computed over it so scores have the same shape
 * as SQLite's FTS5 (negative, lower is better, relative to the best hit).
 *
 * Text search configuration: none of PostgreSQL's. The lexemes are the gate's own tokens
 * (folded, stopwords dropped, lightly stemmed: `contentTokens`) put in with `array_to_tsvector`,
 * and queries are tsquery literals of the same tokens, so no parser or dictionary runs. That
 * is the 'simple' configuration applied to text we already normalised, on purpose:
 * - both dialects index exactly the same words, so the gate's duplicate search, recall and the
 *   term statistics agree with SQLite and with the content hash;
 * - memories are in any language: a language configuration ('english'...) would stem other
 *   languages' words as English and drop its own stopword list, and stemming twice (ours, then
 *   Snowball's) would merge unrelated words;
 * - PostgreSQL's parser decides what a letter is by the database's LC_CTYPE: under the C locale
 *   it splits Cyrillic or CJK words apart, whereas our tokenizer is Unicode-aware everywhere.
 *
 * Column, not a generated column or trigger: a generated column can only call SQL, and the
 * tokens come from the TypeScript tokenizer. It lives on the memory row, so deleting the row
 * deletes it (nothing is kept in a side table), and a superseded memory's column is cleared so
 * only active memories are in the GIN index, as in the FTS5 table.
 */

export const SEARCH_VECTOR_COLUMN = 'search_vector';
export const SEARCH_VECTOR_INDEX = 'idx_memories_search_vector';
/** Active memories without a document (rows copied in by SQL, or there before the column): normally empty. */
export const UNINDEXED_INDEX = 'idx_memories_unindexed';

/** bm25's parameters, FTS5's defaults. */
const K1 = 1.2;
const B = 0.75;

/**
 * Adds the column and its indexes, then indexes the memories already stored. fastupdate off:
 * entries go straight into the GIN tree, so a query never scans an unsorted pending list (steady
 * latency) and a memory's lexemes are never parked in a list waiting for cleanup.
 */
export async function createPostgresMemoryFts(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`ALTER TABLE "memories" ADD COLUMN "${SEARCH_VECTOR_COLUMN}" tsvector NULL`);
  await queryRunner.query(`CREATE INDEX "${SEARCH_VECTOR_INDEX}" ON "memories" USING gin ("${SEARCH_VECTOR_COLUMN}") WITH (fastupdate = off)`);
  await queryRunner.query(
    `CREATE INDEX "${UNINDEXED_INDEX}" ON "memories" ("doc_id") WHERE "${SEARCH_VECTOR_COLUMN}" IS NULL AND "superseded_by" IS NULL`,
  );
  await indexUnindexedMemories(queryRunner.manager);
}

export async function dropPostgresMemoryFts(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP INDEX IF EXISTS "${UNINDEXED_INDEX}"`);
  await queryRunner.query(`DROP INDEX IF EXISTS "${SEARCH_VECTOR_INDEX}"`);
  await queryRunner.query(`ALTER TABLE "memories" DROP COLUMN IF EXISTS "${SEARCH_VECTOR_COLUMN}"`);
}

/** Runs a write with `:name` parameters. */
async function execute(manager: EntityManager, sql: string, params: Record<string, unknown>): Promise<void> {
  const [text, values] = bindNamed(sql, params, 'postgres');
  await manager.query(text, values);
}

/** Writes the documents of these memories (one statement). */
async function writeDocuments(manager: EntityManager, docs: readonly IndexedDocument[]): Promise<void> {
  if (docs.length === 0) return;
  // Tokens are letters and digits only, so a space-joined list splits back exactly.
  await execute(
    manager,
    `UPDATE "memories" m SET "${SEARCH_VECTOR_COLUMN}" = array_to_tsvector(string_to_array(d.body, ' '))
     FROM unnest(CAST(:docs AS integer[]), CAST(:bodies AS text[])) AS d(doc, body)
     WHERE m."doc_id" = d.doc`,
    { docs: docs.map((d) => d.docId), bodies: docs.map((d) => documentTokens(d.content, d.tags).join(' ')) },
  );
}

/** Indexes active memories that have no document (rows copied in by SQL, or there before the column); returns how many. */
export async function indexUnindexedMemories(manager: EntityManager): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await selectRows<{ doc_id: number | string; content: string; tags: string }>(
      manager,
      `SELECT m."doc_id", m."content", m."tags" FROM "memories" m
       WHERE m."${SEARCH_VECTOR_COLUMN}" IS NULL AND m."superseded_by" IS NULL ORDER BY m."doc_id" LIMIT 500`,
    );
    if (rows.length === 0) return done;
    await writeDocuments(
      manager,
      rows.map((r) => ({ docId: Number(r.doc_id), content: r.content, tags: parseStoredTags(r.tags) })),
    );
    done += rows.length;
  }
}

/** A tsquery literal of one lexeme (quoted: no operator in user text can reach the query). */
function lexeme(term: string): string {
  return `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** FTS5's idf: never zero or negative, so a very common term still counts a little. */
function idf(total: number, docs: number): number {
  return Math.max(1e-6, Math.log((Math.max(total, docs) - docs + 0.5) / (docs + 0.5)));
}

export interface PostgresMemorySearchOptions {
  /** Whether queries ask for synonym concepts too (default true; off only to measure what they add). */
  synonyms?: boolean;
  /** As SqliteMemorySearch's: how many index entries (documents per term, summed) one query may score. */
  postingsBudget?: number;
  /** Below this many memories the term statistics are re-read before the next search after a write (default 5000). */
  exactBelow?: number;
}

/**
 * PostgreSQL implementation of the memory search index. bm25 as FTS5 computes it, with one
 * difference: a term counts once per memory (term frequency 1) and a memory's length is its
 * number of distinct terms. Memories are one-sentence facts where words rarely repeat, and it
 * keeps scoring to tsvector lookups in C: no unnesting of every candidate's vector.
 */
export class PostgresMemorySearch implements MemorySearchIndex {
  private readonly terms: TermStatistics;
  private readonly synonyms: boolean;

  constructor(options: PostgresMemorySearchOptions = {}) {
    this.synonyms = options.synonyms ?? true;
    // The scores use the snapshot's frequencies: a small index is re-read before the next search after a write.
    this.terms = new TermStatistics(readTermStatistics, { postingsBudget: options.postingsBudget ?? 1500, exactBelow: options.exactBelow ?? 5_000 });
  }

  async put(manager: EntityManager, docs: readonly IndexedDocument[]): Promise<void> {
    await writeDocuments(manager, docs);
    for (const _ of docs) this.terms.wrote();
  }

  async remove(manager: EntityManager, docId: number): Promise<void> {
    await execute(manager, `UPDATE "memories" SET "${SEARCH_VECTOR_COLUMN}" = NULL WHERE "doc_id" = :docId`, { docId });
    this.terms.wrote();
  }

  async search<Row>(manager: EntityManager, text: string, columns: string, scope: ScopePredicate, limit: number): Promise<Array<SearchHit<Row>>> {
    const stats = await this.terms.snapshot(manager);
    const terms = this.terms.select(stats, searchTerms(text, this.synonyms));
    if (terms.length === 0) return [];
    const n = Math.max(1, Math.floor(limit));
    const params: Record<string, unknown> = {
      ...scope.params,
      query: terms.map(lexeme).join(' | '),
      meanLength: Math.max(1, stats.meanLength),
      total: stats.total,
    };
    // Each matched term adds its idf; a term the snapshot does not know yet (written since) is counted now: it is rare.
    const v = `m."${SEARCH_VECTOR_COLUMN}"`;
    const weights = terms.map((t, i) => {
      params[`t${i}`] = lexeme(t);
      const docs = stats.docs.get(t);
      let weight: string;
      if (docs !== undefined) {
        params[`w${i}`] = idf(stats.total, docs);
        weight = `CAST(:w${i} AS float8)`;
      } else {
        weight = `(SELECT GREATEST(1e-6, ln((GREATEST(CAST(:total AS float8), c.n) - c.n + 0.5) / (c.n + 0.5)))
                   FROM (SELECT CAST(COUNT(*) AS float8) AS n FROM "memories" WHERE "${SEARCH_VECTOR_COLUMN}" @@ CAST(:t${i} AS tsquery)) c)`;
      }
      return `CASE WHEN ${v} @@ CAST(:t${i} AS tsquery) THEN ${weight} ELSE 0 END`;
    });
    const lengthNorm = `(${K1 + 1} / (1 + ${K1} * (${1 - B} + ${B} * length(${v}) / CAST(:meanLength AS float8))))`;
    const rows = await selectRows<Row & { doc_id: number | string; bm25: number | string }>(
      manager,
      `SELECT ${columns}, -${lengthNorm} * (${weights.join(' + ')}) AS "bm25"
       FROM "memories" m
       WHERE ${v} @@ CAST(:query AS tsquery) AND m."superseded_by" IS NULL AND (${scope.sql})
       ORDER BY "bm25", m."doc_id" LIMIT ${n}`,
      params,
    );
    return rows.map(({ bm25, ...row }) => ({ row: row as unknown as Row, bm25: Number(bm25) }));
  }
}

/**
 * Every indexed term's document frequency, the number of indexed memories and their mean length.
 * Memories that reached the table without a document are indexed first.
 */
async function readTermStatistics(manager: EntityManager): Promise<TermSnapshot> {
  await indexUnindexedMemories(manager);
  const terms = await selectRows<{ term: string; docs: number | string }>(
    manager,
    `SELECT word AS "term", ndoc AS "docs" FROM ts_stat('SELECT "${SEARCH_VECTOR_COLUMN}" FROM "memories" WHERE "${SEARCH_VECTOR_COLUMN}" IS NOT NULL')`,
  );
  const [size] = await selectRows<{ total: number | string; mean: number | string | null }>(
    manager,
    `SELECT COUNT(*) AS "total", AVG(length("${SEARCH_VECTOR_COLUMN}")) AS "mean" FROM "memories" WHERE "${SEARCH_VECTOR_COLUMN}" IS NOT NULL`,
  );
  return { docs: new Map(terms.map((r) => [r.term, Number(r.docs)])), total: Number(size?.total ?? 0), meanLength: Number(size?.mean ?? 0) };
}
