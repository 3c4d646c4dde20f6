import type { QueryRunner } from 'typeorm';

/**
 * The full-text index of conversation text. Only user and assistant text is indexed; system
 * events and commands are not.
 *
 * SQLite: an FTS5 table over `messages` (external content: the index keeps no second copy of
 * the text). Since AddMessageSearchIndexing a batch indexer fills it outside the turn's
 * transaction (see MessageSearchStore.indexPending); `messages.search_indexed` says which rows
 * it holds, and triggers keep only the removals immediate: a deleted message's tokens are purged
 * in the deleting statement, an edited one's the moment it changes (then it is indexed again).
 * (AddConversationManagement first kept the index in step with triggers on every write.)
 *
 * PostgreSQL: a GIN expression index over `to_tsvector(<config>, content)`, kept by the database.
 *
 * The SQLite index is keyed by the messages' rowid. Nothing here VACUUMs; a future migration that
 * rebuilds `messages` (new rowids) must empty the index after (`INSERT INTO messages_fts(messages_fts)
 * VALUES ('delete-all')`) and set every `search_indexed` to 0, so the indexer fills it again. Not
 * FTS5's 'rebuild': it would index every row, system events included, which search leaves out.
 */
export const MESSAGES_FTS_TABLE = 'messages_fts';

export const SQLITE_DRIVERS = new Set(['better-sqlite3', 'sqlite', 'sqljs']);

/** Partial index of the rows the batch indexer has still to index (SQLite): small, it empties every batch. */
export const SEARCH_PENDING_INDEX = 'idx_messages_search_pending';

/** The PostgreSQL text search configuration of message search (see createPostgresMessageSearch). */
export const POSTGRES_SEARCH_CONFIG = 'message_search';

/** The GIN index of message search on PostgreSQL. */
export const POSTGRES_SEARCH_INDEX = 'idx_messages_search';

// What is indexed: conversation text, once it is no longer streaming (partial saves of a reply
// being written cost the index nothing; the reply is indexed once, when it ends). Every trigger
// uses exactly this predicate: an external-content index must only be told to delete what it holds.
const indexed = (row: 'new' | 'old' | null) => {
  const p = row ? `${row}.` : '';
  return `${p}kind = 'text' AND ${p}role IN ('user', 'assistant') AND ${p}status <> 'streaming'`;
};

/** The rows message search covers, as SQL over `messages` aliased `alias`. */
export function searchablePredicate(alias: string): string {
  return `${alias}."kind" = 'text' AND ${alias}."role" IN ('user', 'assistant') AND ${alias}."status" <> 'streaming'`;
}

/** Rows written but not yet in the SQLite index (the partial index's own predicate, so the planner uses it). */
export const SQLITE_PENDING_WHERE = `"search_indexed" = 0 AND ${indexed(null)}`;

/** The indexed expression on PostgreSQL: queries must spell it exactly so for the GIN index to serve them. */
export function postgresSearchVector(alias: string): string {
  return `to_tsvector('${POSTGRES_SEARCH_CONFIG}', ${alias}."content")`;
}

const TRIGGER_ERA_TRIGGERS = ['messages_fts_au', 'messages_fts_ad', 'messages_fts_ai'];
const BATCH_ERA_TRIGGERS = ['messages_fts_stale', 'messages_fts_purge'];

// The triggers of AddConversationManagement: every write indexed inside its own statement.
async function createIndexOnWriteTriggers(queryRunner: QueryRunner): Promise<void> {
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
}

/** AddConversationManagement (shipped; unchanged): the FTS5 table, kept in step by triggers on every write. */
export async function createSqliteMessageSearch(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    `CREATE VIRTUAL TABLE "${MESSAGES_FTS_TABLE}" USING fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
  );
  // A deleted message's tokens are purged from the index, not hidden behind a tombstone.
  await queryRunner.query(`INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rank) VALUES ('secure-delete', 1)`);
  await createIndexOnWriteTriggers(queryRunner);
  // Messages written before this release.
  await queryRunner.query(`INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) SELECT rowid, content FROM "messages" WHERE ${indexed(null)}`);
}

export async function dropSqliteMessageSearch(queryRunner: QueryRunner): Promise<void> {
  for (const t of TRIGGER_ERA_TRIGGERS) await queryRunner.query(`DROP TRIGGER IF EXISTS "${t}"`);
  await queryRunner.query(`DROP TABLE IF EXISTS "${MESSAGES_FTS_TABLE}"`);
}

/**
 * AddMessageSearchIndexing on SQLite: writes stop indexing; `search_indexed` marks what the index
 * holds (everything the old triggers indexed), and only removals stay in triggers.
 */
export async function moveSqliteSearchToBatches(queryRunner: QueryRunner): Promise<void> {
  for (const t of TRIGGER_ERA_TRIGGERS) await queryRunner.query(`DROP TRIGGER IF EXISTS "${t}"`);
  // Plain ALTER TABLE: TypeORM's SQLite addColumn rebuilds the table (new rowids would orphan the index).
  await queryRunner.query(`ALTER TABLE "messages" ADD COLUMN "search_indexed" boolean NOT NULL DEFAULT (0)`);
  // The old triggers kept exactly these rows indexed.
  await queryRunner.query(`UPDATE "messages" SET "search_indexed" = 1 WHERE ${indexed(null)}`);
  await queryRunner.query(`CREATE INDEX "${SEARCH_PENDING_INDEX}" ON "messages" ("search_indexed") WHERE ${SQLITE_PENDING_WHERE}`);
  // Only what the index holds may be deleted from it: an external-content FTS5 'delete' of a row it
  // never indexed corrupts it. secure-delete (set by AddConversationManagement) overwrites the tokens.
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_purge" AFTER DELETE ON "messages" WHEN old."search_indexed" = 1 BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rowid, content) VALUES ('delete', old.rowid, old.content);
     END`,
  );
  // An indexed row whose text changed, or that left what search covers, leaves the index at once and
  // is marked for the indexer (which takes it again if it is still searchable). A change that keeps
  // the same text searchable (a reply archived by a retry: status superseded) leaves the index as is.
  // Setting "search_indexed" itself fires nothing: it is not in the column list.
  await queryRunner.query(
    `CREATE TRIGGER "messages_fts_stale" AFTER UPDATE OF "content", "status", "kind", "role" ON "messages"
     WHEN old."search_indexed" = 1 AND (new.content IS NOT old.content OR NOT (${indexed('new')})) BEGIN
       INSERT INTO "${MESSAGES_FTS_TABLE}"("${MESSAGES_FTS_TABLE}", rowid, content) VALUES ('delete', old.rowid, old.content);
       UPDATE "messages" SET "search_indexed" = 0 WHERE rowid = old.rowid;
     END`,
  );
}

/** Back to AddConversationManagement's triggers: what is pending is indexed first, so the index holds every searchable row again. */
export async function moveSqliteSearchToTriggers(queryRunner: QueryRunner): Promise<void> {
  for (const t of BATCH_ERA_TRIGGERS) await queryRunner.query(`DROP TRIGGER IF EXISTS "${t}"`);
  await queryRunner.query(`INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) SELECT rowid, content FROM "messages" WHERE ${SQLITE_PENDING_WHERE}`);
  await queryRunner.query(`DROP INDEX IF EXISTS "${SEARCH_PENDING_INDEX}"`);
  await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "search_indexed"`);
  await createIndexOnWriteTriggers(queryRunner);
}

/**
 * AddMessageSearchIndexing on PostgreSQL: its own text search configuration and a GIN expression
 * index with search's predicate (a partial index: streaming replies and system events cost it nothing).
 *
 * The configuration copies 'simple' deliberately: conversations come in any language (often
 * several in one chat), and a language's stemmer and stop words would mangle the others; SQLite's
 * unicode61 tokenizer does not stem either, so both databases find the same words (the typed last
 * word matches as a prefix on both). Like SQLite's `remove_diacritics 2`, accents are folded with
 * the `unaccent` dictionary when the server has that extension (a trusted contrib extension, so
 * a database owner may create it). Without it the configuration stays plain 'simple' (accents
 * then matter); an operator can add it later: CREATE EXTENSION unaccent; ALTER TEXT SEARCH
 * CONFIGURATION message_search ALTER MAPPING FOR word, hword, hword_part, numword, numhword,
 * hword_numpart WITH unaccent, simple; REINDEX INDEX idx_messages_search.
 */
export async function createPostgresMessageSearch(queryRunner: QueryRunner): Promise<void> {
  const unaccent = await tryCreateUnaccent(queryRunner);
  await queryRunner.query(`CREATE TEXT SEARCH CONFIGURATION "${POSTGRES_SEARCH_CONFIG}" (COPY = pg_catalog.simple)`);
  if (unaccent) {
    await queryRunner.query(
      `ALTER TEXT SEARCH CONFIGURATION "${POSTGRES_SEARCH_CONFIG}" ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple`,
    );
  }
  await queryRunner.query(
    `CREATE INDEX "${POSTGRES_SEARCH_INDEX}" ON "messages" USING GIN (${postgresSearchVector('"messages"')}) WHERE ${searchablePredicate('"messages"')}`,
  );
}

export async function dropPostgresMessageSearch(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP INDEX IF EXISTS "${POSTGRES_SEARCH_INDEX}"`);
  await queryRunner.query(`DROP TEXT SEARCH CONFIGURATION IF EXISTS "${POSTGRES_SEARCH_CONFIG}"`);
  // The unaccent extension stays: it may serve other things, and leaving it changes nothing.
}

// In a savepoint: a server without the extension (or a role not allowed to create it) must not
// abort the migration's transaction.
async function tryCreateUnaccent(queryRunner: QueryRunner): Promise<boolean> {
  const inTx = queryRunner.isTransactionActive;
  if (inTx) await queryRunner.query(`SAVEPOINT "message_search_unaccent"`);
  try {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    if (inTx) await queryRunner.query(`RELEASE SAVEPOINT "message_search_unaccent"`);
    return true;
  } catch {
    if (inTx) await queryRunner.query(`ROLLBACK TO SAVEPOINT "message_search_unaccent"`);
    return false;
  }
}
