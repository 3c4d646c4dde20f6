import type { MigrationInterface, QueryRunner } from 'typeorm';
import { contentHash } from '../../text/normalise-text';
import { parseStoredTags } from '../fts/memory-search-index';
import { indexUnindexedMemories, SEARCH_VECTOR_COLUMN } from '../fts/postgres-memory-fts';
import { ftsDocument, FTS_TABLE } from '../fts/sqlite-memory-fts';

const BATCH = 500;

interface Row {
  doc_id: number | string;
  content: string;
  tags: string;
  superseded_by: string | null;
  content_hash: string;
}

/**
 * The tokenizer changed: scripts written without spaces (Chinese, Japanese, Thai) are segmented
 * into words, Korean particles are cut, marks are kept where they are letters (Thai, Devanagari),
 * ordinals match their number, and documents carry synonym concept tokens. Every memory's
 * duplicate hash and full-text document is rebuilt with the current tokenizer, on both databases.
 */
export class ReindexMemoryTokens1797600000000 implements MigrationInterface {
  name = 'ReindexMemoryTokens1797600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const p = (i: number) => (postgres ? `$${i}` : '?');
    // SQLite's FTS5 table is contentless: it is emptied and refilled from the rows.
    if (!postgres) await queryRunner.query(`INSERT INTO "${FTS_TABLE}"("${FTS_TABLE}") VALUES ('delete-all')`);
    else await queryRunner.query(`UPDATE "memories" SET "${SEARCH_VECTOR_COLUMN}" = NULL WHERE "${SEARCH_VECTOR_COLUMN}" IS NOT NULL`);
    for (let after = -1; ; ) {
      const rows = (await queryRunner.query(
        `SELECT "doc_id", "content", "tags", "superseded_by", "content_hash" FROM "memories" WHERE "doc_id" > ${p(1)} ORDER BY "doc_id" LIMIT ${BATCH}`,
        [after],
      )) as Row[];
      if (rows.length === 0) break;
      after = Number(rows.at(-1)!.doc_id);
      for (const r of rows) {
        const hash = contentHash(r.content);
        if (hash !== r.content_hash) await queryRunner.query(`UPDATE "memories" SET "content_hash" = ${p(1)} WHERE "doc_id" = ${p(2)}`, [hash, Number(r.doc_id)]);
        if (!postgres && r.superseded_by === null) {
          await queryRunner.query(`INSERT INTO "${FTS_TABLE}"(rowid, body) VALUES (?, ?)`, [Number(r.doc_id), ftsDocument(r.content, parseStoredTags(r.tags))]);
        }
      }
    }
    if (postgres) await indexUnindexedMemories(queryRunner.manager);
  }

  async down(): Promise<void> {
    // Nothing to undo in the schema; the previous tokenizer's documents cannot be rebuilt by this
    // code, and the previous code reads these ones (terms are still space-separated words).
  }
}
