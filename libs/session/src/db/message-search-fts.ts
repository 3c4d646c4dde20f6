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

const INDEXED = `kind = 'text' AND role IN ('user', 'assistant')`;

export async function createSqliteMessageSearch(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    `CREATE VIRTUAL TABLE "${MESSAGES_FTS_TABLE}" USING fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
  );
  // A deleted message's tokens are purged from the index, not hidden behind a tombstone.
  await queryRunner.query(`INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rank) VALUES ('secure-delete', 1)`);
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_ai" AFTER INSERT ON "messages" WHEN new.kind = 'text' AND new.role IN ('user', 'assistant') BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) VALUES (new.rowid, new.content);
     END`,
  );
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_ad" AFTER DELETE ON "messages" WHEN old.kind = 'text' AND old.role IN ('user', 'assistant') BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rowid, content) VALUES ('delete', old.rowid, old.content);
     END`,
  );
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_au" AFTER UPDATE OF "content" ON "messages" WHEN old.kind = 'text' AND old.role IN ('user', 'assistant') BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rowid, content) VALUES ('delete', old.rowid, old.content);
       INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) VALUES (new.rowid, new.content);
     END`,
  );
  // Messages written before this release.
  await queryRunner.query(`INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) SELECT rowid, content FROM "messages" WHERE ${INDEXED}`);
}

export async function dropSqliteMessageSearch(queryRunner: QueryRunner): Promise<void> {
  for (const t of ['messages_fts_au', 'messages_fts_ad', 'messages_fts_ai']) await queryRunner.query(`DROP TRIGGER IF EXISTS "${t}"`);
  await queryRunner.query(`DROP TABLE IF EXISTS "${MESSAGES_FTS_TABLE}"`);
}
