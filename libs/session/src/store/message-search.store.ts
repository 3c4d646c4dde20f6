import type { EntityManager } from 'typeorm';
import type { Snippet } from '@switchboard/protocol';
import { inTransaction, requireCount, selectRows } from '@switchboard/persistence';
import { MESSAGES_FTS_TABLE, POSTGRES_SEARCH_CONFIG, postgresSearchVector, searchablePredicate, SQLITE_PENDING_WHERE } from '../db/message-search-fts';

/** One conversation that matched: its best message and a snippet of it. */
export interface MessageSearchHit {
  sessionId: string;
  messageId: string;
  seq: number;
  role: 'user' | 'assistant';
  snippet: Snippet;
  /** The session's last activity and id: the page cursor. */
  lastActivityAt: string;
}

export interface MessageSearchQuery {
  q: string;
  limit: number;
  /** Only conversations strictly older (by last activity, then id) than this cursor. */
  before?: { lastActivityAt: string; id: string } | null;
}

// Snippet markers: control characters a message never needs; stripped from the text first.
const OPEN = '\u0002';
const CLOSE = '\u0003';
const SNIPPET_TOKENS = 24;

/** The words of a query: letters and digits (any script), at most 16; nothing else reaches the FTS syntax. */
export function searchWords(q: string): string[] {
  return (q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}

/**
 * An FTS5 query where every word must match, each quoted (user text cannot inject `NEAR`, `-`, `"`
 * or column filters); the last word also matches as a prefix while the user is still typing it.
 */
export function ftsAllWordsQuery(q: string): string | null {
  const words = searchWords(q);
  if (words.length === 0) return null;
  const typing = !/\s$/.test(q);
  return words.map((w, i) => `"${w.replace(/"/g, '""')}"${i === words.length - 1 && typing ? '*' : ''}`).join(' ');
}

/** Turns FTS5 `snippet()` output with marker characters into plain text and highlight ranges. */
export function parseMarkedSnippet(marked: string): Snippet {
  let text = '';
  const highlights: Array<[number, number]> = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === OPEN) start = text.length;
    else if (ch === CLOSE) {
      if (start >= 0 && text.length > start) {
        const last = highlights[highlights.length - 1];
        // Adjacent matches ("capital of France" as one run) merge into one range.
        if (last && last[1] === start) last[1] = text.length;
        else highlights.push([start, text.length]);
      }
      start = -1;
    } else text += ch;
  }
  return { text, highlights };
}

/**
 * A PostgreSQL tsquery where every word must match, the last one as a prefix while typing. Each
 * word is quoted: searchWords leaves only letters and digits, so nothing else reaches the syntax.
 */
export function tsAllWordsQuery(q: string): string | null {
  const words = searchWords(q);
  if (words.length === 0) return null;
  const typing = !/\s$/.test(q);
  return words.map((w, i) => `'${w}'${i === words.length - 1 && typing ? ':*' : ''}`).join(' & ');
}

// unicode61 with remove_diacritics: tokens are runs of letters, digits and marks, compared without accents or case.
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The snippet FTS5's snippet() would give, for PostgreSQL (whose ts_headline strips HTML-looking
 * text and does not mark cuts): a window of `size` tokens with the most distinct query words,
 * centred on them, '…' where the text was cut, each matching token highlighted (the last word
 * as a prefix while typing), the text between tokens kept as written.
 */
export function wordSnippet(content: string, q: string, size = SNIPPET_TOKENS): Snippet {
  const words = searchWords(q).map(fold);
  const typing = !/\s$/.test(q);
  const tokens: Array<{ start: number; end: number; hit: number }> = [];
  for (const m of content.matchAll(TOKEN)) {
    const t = fold(m[0]);
    const hit = words.findIndex((w, i) => t === w || (typing && i === words.length - 1 && t.startsWith(w)));
    tokens.push({ start: m.index, end: m.index + m[0].length, hit });
  }
  const n = Math.min(size, tokens.length);
  if (n === 0) return { text: content, highlights: [] };
  // The first window with the most distinct words (then the most hits).
  let best = 0;
  let bestScore = -1;
  for (let s = 0; s + n <= tokens.length; s++) {
    const seen = new Set<number>();
    let hits = 0;
    for (let i = s; i < s + n; i++) {
      if (tokens[i].hit < 0) continue;
      seen.add(tokens[i].hit);
      hits++;
    }
    const score = seen.size * tokens.length + hits;
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  // Centred on its hits, as FTS5 does.
  const inWindow = tokens.slice(best, best + n).map((t, i) => (t.hit >= 0 ? best + i : -1)).filter((i) => i >= 0);
  if (inWindow.length > 0) {
    const first = inWindow[0];
    const last = inWindow[inWindow.length - 1];
    best = Math.max(0, Math.min(tokens.length - n, first - Math.floor((n - (last - first + 1)) / 2)));
  }
  const end = best + n - 1;
  const from = best === 0 ? 0 : tokens[best].start;
  const to = end === tokens.length - 1 ? content.length : tokens[end].end;
  const prefix = best > 0 ? '…' : '';
  const text = prefix + content.slice(from, to) + (end < tokens.length - 1 ? '…' : '');
  const highlights: Array<[number, number]> = [];
  for (let i = best; i <= end; i++) {
    if (tokens[i].hit < 0) continue;
    const range: [number, number] = [tokens[i].start - from + prefix.length, tokens[i].end - from + prefix.length];
    const prev = highlights[highlights.length - 1];
    // Touching matches merge into one range, as parseMarkedSnippet does.
    if (prev && prev[1] === range[0]) prev[1] = range[1];
    else highlights.push(range);
  }
  return { text, highlights };
}

/** A plain snippet when the full-text snippet has no highlight: each word found case-insensitively. */
export function plainSnippet(content: string, words: readonly string[], width = 160): Snippet {
  const lower = content.toLowerCase();
  const first = Math.min(...words.map((w) => lower.indexOf(w.toLowerCase())).filter((i) => i >= 0), content.length);
  const from = Math.max(0, Math.min(first - 40, content.length - width));
  const to = Math.min(content.length, from + width);
  const prefix = from > 0 ? '…' : '';
  const text = prefix + content.slice(from, to) + (to < content.length ? '…' : '');
  const highlights: Array<[number, number]> = [];
  const window = text.toLowerCase();
  for (const w of words) {
    const needle = w.toLowerCase();
    for (let i = window.indexOf(needle); i >= 0 && needle; i = window.indexOf(needle, i + needle.length)) highlights.push([i, i + needle.length]);
  }
  highlights.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const h of highlights) {
    const last = merged[merged.length - 1];
    if (last && h[0] <= last[1]) last[1] = Math.max(last[1], h[1]);
    else merged.push([...h]);
  }
  return { text, highlights: merged };
}

interface HitRow {
  session_id: string;
  id: string;
  seq: number | string;
  role: 'user' | 'assistant';
  content: string;
  marked?: string;
  last_activity_at: string;
}

/** Rows one SQLite indexing batch takes: a few milliseconds of the write lock, so turns wait little behind it. */
export const SEARCH_INDEX_BATCH = 256;

/**
 * Full-text search over user and assistant messages: one hit per conversation, newest activity
 * first. SQLite: FTS5, indexed in batches (indexPending) and always caught up before a search.
 * PostgreSQL: a GIN-indexed tsvector ranked with ts_rank.
 */
export class MessageSearchStore {
  constructor(private readonly manager: EntityManager) {}

  /** True on SQLite, whose index is filled in batches (indexPending, MessageSearchIndexer). */
  get indexedInBatches(): boolean {
    return this.manager.dataSource.driver.options.type !== 'postgres';
  }

  private get sqlite(): boolean {
    return this.indexedInBatches;
  }

  async search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    const limit = requireCount('limit', query.limit);
    const sqlite = this.sqlite;
    // What was written before the search must be found: the indexer may not have run yet. The
    // check reads what the search then reads (the one connection, open transactions included), so
    // when it finds nothing the write lock is not waited for.
    if (sqlite && (await this.hasPendingIndex())) await this.flushIndex();
    const rows = sqlite ? await this.searchFts(query, limit) : await this.searchTsvector(query, limit);
    if (!rows) return [];
    const words = searchWords(query.q);
    const snippetOf = (r: HitRow): Snippet => {
      if (!sqlite) return wordSnippet(r.content, query.q);
      return r.marked !== undefined && r.marked.includes(OPEN) ? parseMarkedSnippet(r.marked) : plainSnippet(r.content, words);
    };
    return rows.map((r) => ({
      sessionId: r.session_id,
      messageId: r.id,
      seq: Number(r.seq),
      role: r.role,
      snippet: snippetOf(r),
      lastActivityAt: r.last_activity_at,
    }));
  }

  /**
   * SQLite: indexes up to `batch` written-but-unindexed messages in one transaction and marks
   * them; returns how many. The selection and the marks share the transaction, so a row is never
   * indexed twice (which would corrupt the external-content index). PostgreSQL: 0 (its index is
   * kept by the database).
   */
  async indexPending(batch = SEARCH_INDEX_BATCH): Promise<number> {
    if (!this.sqlite) return 0;
    const n = requireCount('batch', batch);
    return inTransaction(this.manager, async (m) => {
      const rows = await selectRows<{ rid: number }>(m, `SELECT rowid AS rid FROM "messages" WHERE ${SQLITE_PENDING_WHERE} ORDER BY rowid LIMIT :n`, { n });
      if (rows.length === 0) return 0;
      // One JSON parameter instead of a list: one prepared statement whatever the batch's size.
      const rids = JSON.stringify(rows.map((r) => r.rid));
      await selectRows(
        m,
        `INSERT INTO "${MESSAGES_FTS_TABLE}"(rowid, content) SELECT rowid, "content" FROM "messages" WHERE rowid IN (SELECT value FROM json_each(:rids))`,
        { rids },
      );
      await selectRows(m, `UPDATE "messages" SET "search_indexed" = 1 WHERE rowid IN (SELECT value FROM json_each(:rids))`, { rids });
      return rows.length;
    });
  }

  /** Indexes batch after batch until nothing written so far is left out; returns how many. */
  async flushIndex(batch = SEARCH_INDEX_BATCH): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.indexPending(batch);
      total += n;
      if (n < batch) return total;
    }
  }

  /**
   * True when written messages wait for the SQLite index. A hint read outside the write lock
   * (through the partial index, microseconds): indexPending decides under the lock.
   */
  async hasPendingIndex(): Promise<boolean> {
    if (!this.sqlite) return false;
    return (await selectRows(this.manager, `SELECT 1 FROM "messages" WHERE ${SQLITE_PENDING_WHERE} LIMIT 1`)).length > 0;
  }

  private cursor(query: MessageSearchQuery): { sql: string; params: Record<string, unknown> } {
    if (!query.before) return { sql: '', params: {} };
    return {
      sql: `AND (s."last_activity_at" < :beforeAt OR (s."last_activity_at" = :beforeAt AND s."id" < :beforeId))`,
      params: { beforeAt: query.before.lastActivityAt, beforeId: query.before.id },
    };
  }

  private async searchFts(query: MessageSearchQuery, limit: number): Promise<HitRow[] | null> {
    const match = ftsAllWordsQuery(query.q);
    if (!match) return null;
    const cursor = this.cursor(query);
    // Best match per conversation (bm25, then the latest message), then conversations newest first.
    // MATERIALIZED: FTS5's bm25() cannot run inside the window function's own query.
    const rows = await selectRows<HitRow & { rid: number | string }>(
      this.manager,
      `WITH matched AS MATERIALIZED (
         SELECT m.rowid AS rid, m."session_id", m."id", m."seq", m."role", bm25("${MESSAGES_FTS_TABLE}") AS score
         FROM "${MESSAGES_FTS_TABLE}" JOIN "messages" m ON m.rowid = "${MESSAGES_FTS_TABLE}".rowid
         WHERE "${MESSAGES_FTS_TABLE}" MATCH :match AND m."kind" = 'text' AND m."role" IN ('user', 'assistant')
       ), best AS (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY "session_id" ORDER BY score, "seq" DESC) AS rn FROM matched
       )
       SELECT b.rid, b."session_id", b."id", b."seq", b."role", s."last_activity_at"
       FROM best b JOIN "sessions" s ON s."id" = b."session_id"
       WHERE b.rn = 1 ${cursor.sql}
       ORDER BY s."last_activity_at" DESC, s."id" DESC LIMIT :limit`,
      { match, limit, ...cursor.params },
    );
    if (rows.length === 0) return rows;
    // Snippets only for the page's messages.
    const snippets = await selectRows<{ rid: number | string; marked: string; content: string }>(
      this.manager,
      `SELECT "${MESSAGES_FTS_TABLE}".rowid AS rid, snippet("${MESSAGES_FTS_TABLE}", 0, '${OPEN}', '${CLOSE}', '…', ${SNIPPET_TOKENS}) AS marked,
              "${MESSAGES_FTS_TABLE}".content AS content
       FROM "${MESSAGES_FTS_TABLE}" WHERE "${MESSAGES_FTS_TABLE}" MATCH :match AND "${MESSAGES_FTS_TABLE}".rowid IN (:...rids)`,
      { match, rids: rows.map((r) => Number(r.rid)) },
    );
    const byRowid = new Map(snippets.map((x) => [Number(x.rid), x]));
    return rows.map((r) => ({ ...r, content: byRowid.get(Number(r.rid))?.content ?? '', marked: byRowid.get(Number(r.rid))?.marked ?? '' }));
  }

  private async searchTsvector(query: MessageSearchQuery, limit: number): Promise<HitRow[] | null> {
    const tsq = tsAllWordsQuery(query.q);
    if (!tsq) return null;
    const cursor = this.cursor(query);
    // The vector expression and predicate are the GIN index's own, so the index finds the matches.
    // Best match per conversation (ts_rank, then the latest message), then conversations newest first.
    // Normalisation 1 divides by the log of the message's length, as bm25 on SQLite weighs it: the
    // same words in a short message (the question) beat them in a long one (a reply quoting it).
    return selectRows<HitRow>(
      this.manager,
      `WITH matched AS (
         SELECT m."session_id", m."id", m."seq", m."role", ts_rank(${postgresSearchVector('m')}, to_tsquery('${POSTGRES_SEARCH_CONFIG}', :tsq), 1) AS score
         FROM "messages" m
         WHERE ${postgresSearchVector('m')} @@ to_tsquery('${POSTGRES_SEARCH_CONFIG}', :tsq) AND ${searchablePredicate('m')}
       ), best AS (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY "session_id" ORDER BY score DESC, "seq" DESC) AS rn FROM matched
       )
       SELECT b."session_id", b."id", b."seq", b."role", s."last_activity_at", c."content"
       FROM best b JOIN "sessions" s ON s."id" = b."session_id" JOIN "messages" c ON c."id" = b."id"
       WHERE b.rn = 1 ${cursor.sql}
       ORDER BY s."last_activity_at" DESC, s."id" DESC LIMIT :limit`,
      { tsq, limit, ...cursor.params },
    );
  }
}
