import type { EntityManager } from 'typeorm';
import type { Snippet } from '@switchboard/protocol';
import { requireCount, selectRows } from '@switchboard/persistence';
import { MESSAGES_FTS_TABLE } from '../db/message-search-fts';

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

/** A plain snippet when the database has no FTS index (PostgreSQL): each word found case-insensitively. */
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

/** Full-text search over user and assistant messages: one hit per conversation, newest activity first. */
export class MessageSearchStore {
  constructor(private readonly manager: EntityManager) {}

  async search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    const limit = requireCount('limit', query.limit);
    const sqlite = this.manager.dataSource.driver.options.type !== 'postgres';
    const rows = sqlite ? await this.searchFts(query, limit) : await this.searchLike(query, limit);
    if (!rows) return [];
    const words = searchWords(query.q);
    return rows.map((r) => ({
      sessionId: r.session_id,
      messageId: r.id,
      seq: Number(r.seq),
      role: r.role,
      snippet: r.marked !== undefined && r.marked.includes(OPEN) ? parseMarkedSnippet(r.marked) : plainSnippet(r.content, words),
      lastActivityAt: r.last_activity_at,
    }));
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

  private async searchLike(query: MessageSearchQuery, limit: number): Promise<HitRow[] | null> {
    const words = searchWords(query.q);
    if (words.length === 0) return null;
    const cursor = this.cursor(query);
    const params: Record<string, unknown> = { limit, ...cursor.params };
    const conditions = words.map((w, i) => {
      params[`w${i}`] = `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return `m."content" ILIKE :w${i}`;
    });
    return selectRows<HitRow>(
      this.manager,
      `WITH hits AS (
         SELECT m."session_id", m."id", m."seq", m."role", m."content",
                ROW_NUMBER() OVER (PARTITION BY m."session_id" ORDER BY m."seq" DESC) AS rn
         FROM "messages" m
         WHERE m."kind" = 'text' AND m."role" IN ('user', 'assistant') AND ${conditions.join(' AND ')}
       )
       SELECT h."session_id", h."id", h."seq", h."role", h."content", s."last_activity_at"
       FROM hits h JOIN "sessions" s ON s."id" = h."session_id"
       WHERE h.rn = 1 ${cursor.sql}
       ORDER BY s."last_activity_at" DESC, s."id" DESC LIMIT :limit`,
      params,
    );
  }
}
