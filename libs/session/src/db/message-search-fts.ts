import type { QueryRunner } from 'typeorm';

/**
 * The SQLite full-text index of conversation text: an FTS5 table over `messages` (external
 * content: the index keeps no second copy of the text) kept in step by triggers, so every
 * writer — the hot path, deletes, resets, retention — updates it inside its own statement.
 * Only user and assistant text is indexed; system events and commands are not.
 *
 * The index is keyed by the messages' rowid. Nothing here VACUUMs; a future migration that
 * rebuilds `messages` must run `INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')` after.
 */
export const MESSAGES_FTS_TABLE = 'messages_fts';

export const SQLITE_DRIVERS = new Set(['better-sqlite3', 'sqlite', 'sqljs']);

// What is indexed: conversation text, once it is no longer streaming (partial saves of a reply
// being written cost the index nothing; the reply is indexed once, when it ends). Every trigger
// uses exactly this predicate: an external-content index must only be told to delete what it holds.
const indexed = (row: 'new' | 'old' | null) => {
  const p = row ? `${row}.` : '';
  return `${p}kind = 'text' AND ${p}role IN ('user', 'assistant') AND ${p}status <> 'streaming'`;
};

export async function createSqliteMessageSearch(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    `CREATE VIRTUAL TABLE "${MESSAGES_FTS_TABLE}" USING fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
  );
  // A deleted message's tokens are purged from the index, not hidden behind a tombstone.
  await queryRunner.query(`INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rank) VALUES ('secure-delete', 1)`);
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_ai" AFTER INSERT ON "messages" WHEN ${indexed('new')} BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) VALUES (new.rowid, new.content);
     END`,
  );
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_ad" AFTER DELETE ON "messages" WHEN ${indexed('old')} BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rowid, content) VALUES ('delete', old.rowid, old.content);
     END`,
  );
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_au" AFTER UPDATE OF "content", "status", "kind", "role" ON "messages" BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rowid, content) SELECT 'delete', old.rowid, old.content WHERE ${indexed('old')};
       INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) SELECT new.rowid, new.content WHERE ${indexed('new')};
     END`,
  );
  // Messages written before this release.
  await queryRunner.query(`INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) SELECT rowid, content FROM "messages" WHERE ${indexed(null)}`);
}

export async function dropSqliteMessageSearch(queryRunner: QueryRunner): Promise<void> {
  for (const t of ['messages_fts_au', 'messages_fts_ad', 'messages_fts_ai']) await queryRunner.query(`DROP TRIGGER IF EXISTS "${t}"`);
  await queryRunner.query(`DROP TABLE IF EXISTS "${MESSAGES_FTS_TABLE}"`);
}
