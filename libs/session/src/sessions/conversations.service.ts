import {
  ARCHIVE_VERSION,
  ErrorCode,
  SwitchboardError,
  type ConversationArchive,
  type ExportedSession,
  type ImportResponse,
  type PersonRef,
  type SearchQuery,
  type SearchResponse,
} from '@switchboard/protocol';
import type { SessionRepository } from '../store/session-repository';
import type { EngineLogger, PeoplePort } from '../engine/engine.types';
import type { ModelChoice } from './model-choice';
import type { SessionEvents } from './session-events';
import { conversationMarkdown, exportFileStem } from './conversation-markdown';

export interface ConversationsServiceDeps {
  repo: SessionRepository;
  views: SessionEvents;
  choice: ModelChoice;
  log: EngineLogger;
  people?: PeoplePort | null;
}

/** A file to download: its name, media type and text. */
export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

const DEFAULT_SEARCH_LIMIT = 20;
const EVERYTHING = 1_000_000;
const IMPORT_SUFFIX = '~imported';

/** The page cursor of a search: the last hit's session activity and id, base64url. */
export function encodeSearchCursor(lastActivityAt: string, id: string): string {
  return Buffer.from(JSON.stringify([lastActivityAt, id])).toString('base64url');
}

export function decodeSearchCursor(cursor: string): { lastActivityAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) return { lastActivityAt: value[0], id: value[1] };
  } catch {
    // falls through to the error below
  }
  throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'before: not a cursor this API returned', { field: 'before' });
}

/** Search over message text, and conversations in and out as files (Markdown, JSON, one archive). */
export class ConversationsService {
  constructor(private readonly deps: ConversationsServiceDeps) {}

  async search(query: SearchQuery): Promise<SearchResponse> {
    const { repo, views } = this.deps;
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    const before = query.before ? decodeSearchCursor(query.before) : null;
    const hits = await repo.search.search({ q: query.q, limit: limit + 1, before });
    const page = hits.slice(0, limit);
    const records = new Map((await repo.sessions.getMany(page.map((h) => h.sessionId))).map((r) => [r.id, r]));
    const present = page.filter((h) => records.has(h.sessionId));
    const sessionViews = await views.viewMany(present.map((h) => records.get(h.sessionId)!));
    const last = page[page.length - 1];
    return {
      results: present.map((h, i) => ({ session: sessionViews[i], messageId: h.messageId, seq: h.seq, role: h.role, snippet: h.snippet })),
      nextCursor: hits.length > limit && last ? encodeSearchCursor(last.lastActivityAt, last.sessionId) : null,
    };
  }

  /** One conversation: the session view, every message, its settings. */
  async exportSession(sessionId: string): Promise<ExportedSession> {
    const { repo, views } = this.deps;
    const record = await repo.sessions.require(sessionId);
    const [session, messages, settings] = await Promise.all([
      views.view(record),
      repo.messages.list(sessionId, { afterSeq: 0 }),
      repo.config.getAll(sessionId),
    ]);
    return { session, messages, settings };
  }

  /** One conversation as a download, Markdown or JSON. */
  async exportFile(sessionId: string, format: 'markdown' | 'json'): Promise<ExportFile> {
    const exported = await this.exportSession(sessionId);
    const stem = exportFileStem(exported.session);
    if (format === 'json') return { filename: `${stem}.json`, contentType: 'application/json; charset=utf-8', body: JSON.stringify(exported, null, 2) };
    const personIds = exported.messages.flatMap((m) => (m.personId ? [m.personId] : []));
    const people = personIds.length && this.deps.people ? await this.deps.people.refs(personIds) : new Map<string, PersonRef>();
    return { filename: `${stem}.md`, contentType: 'text/markdown; charset=utf-8', body: conversationMarkdown(exported.session, exported.messages, { people }) };
  }

  /**
   * Every conversation (archived ones too) with its messages and settings. Memories and people
   * are not included: they belong to the people of this install (ids, accounts, roles), which
   * another install does not have; a conversation keeps whose it was only where that person exists.
   */
  async exportAll(): Promise<ConversationArchive> {
    const records = await this.deps.repo.sessions.list({ archived: 'all', limit: EVERYTHING });
    const sessions: ExportedSession[] = [];
    for (const r of records.reverse()) sessions.push(await this.exportSession(r.id));
    return { kind: 'switchboard.archive', version: ARCHIVE_VERSION, exportedAt: new Date().toISOString(), sessions };
  }

  /**
   * Creates the archive's conversations in one transaction (all or nothing). A session whose id
   * already exists is skipped (re-importing never duplicates); a (channel, peer id) taken by another
   * conversation gets the peer id `<peer>~imported` (then `~imported-2`, …).
   */
  async importArchive(archive: ConversationArchive): Promise<ImportResponse> {
    const { repo, views, choice, log, people } = this.deps;
    checkArchive(archive);
    const personIds = new Set<string>();
    for (const s of archive.sessions) {
      if (s.session.person?.id) personIds.add(s.session.person.id);
      for (const m of s.messages) if (m.personId) personIds.add(m.personId);
    }
    const known = personIds.size && people ? await people.refs(personIds) : new Map<string, PersonRef>();
    const keep = (id: string | null | undefined) => (id && known.has(id) ? id : null);

    const result = await repo.transaction(async (tx) => {
      const out: ImportResponse & { created: string[] } = { imported: 0, skipped: 0, renamed: [], messages: 0, created: [] };
      for (const { session: s, messages, settings } of archive.sessions) {
        if (await tx.sessions.get(s.id)) {
          out.skipped++;
          continue;
        }
        let peerId = s.peerId;
        for (let n = 1; ; n++) {
          const { session, created } = await tx.sessions.getOrCreate({
            id: s.id,
            channel: s.channel,
            peerId,
            title: s.title,
            projectId: s.projectId,
            agent: s.agent && choice.agentByName(s.agent) ? s.agent : null,
            personId: keep(s.person?.id),
            groupKey: s.group ?? null,
            archived: s.archived ?? false,
            pinned: s.pinned ?? false,
            createdAt: s.createdAt,
            lastActivityAt: s.lastActivityAt,
          });
          if (created) break;
          if (session.id === s.id) break;
          peerId = `${s.peerId.slice(0, 180)}${IMPORT_SUFFIX}${n > 1 ? `-${n}` : ''}`;
          if (n > 50) throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `sessions: no free peer id for ${s.channel}:${s.peerId}`, { sessionId: s.id });
        }
        if (peerId !== s.peerId) out.renamed.push({ sessionId: s.id, channel: s.channel, from: s.peerId, to: peerId });
        out.messages += await tx.messages.importMany(
          s.id,
          messages.map((m) => ({ ...m, personId: keep(m.personId) })),
        );
        for (const [key, value] of Object.entries(settings)) {
          if (typeof value === 'string') await tx.config.set(s.id, key, value);
        }
        out.imported++;
        out.created.push(s.id);
      }
      return out;
    });
    const { created, ...response } = result;
    if (created.length) {
      for (const view of await views.viewMany(await repo.sessions.getMany(created))) views.emitSession('created', view);
    }
    log.info({ imported: response.imported, skipped: response.skipped, messages: response.messages }, 'conversations imported');
    return response;
  }
}

/** What zod cannot say about an archive: ids fit, seqs are unique per conversation, sessions are not repeated. */
function checkArchive(archive: ConversationArchive): void {
  const ids = new Set<string>();
  archive.sessions.forEach((s, i) => {
    const fail = (message: string) => {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `sessions.${i}: ${message}`, { field: `sessions.${i}` });
    };
    if (s.session.id.length < 1 || s.session.id.length > 36) fail('session id must be 1 to 36 characters');
    if (ids.has(s.session.id)) fail(`session ${s.session.id} appears twice`);
    ids.add(s.session.id);
    if (s.session.peerId.length < 1 || s.session.peerId.length > 200) fail('peerId must be 1 to 200 characters');
    const seqs = new Set<number>();
    for (const m of s.messages) {
      if (m.seq < 1) fail(`message seq ${m.seq} must be positive`);
      if (seqs.has(m.seq)) fail(`message seq ${m.seq} appears twice`);
      seqs.add(m.seq);
    }
  });
}
