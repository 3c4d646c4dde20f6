import type { EntityManager } from 'typeorm';
import { ErrorCode, SwitchboardError, type Channel, type SessionStatus } from '@switchboard/protocol';
import { MessageEntity } from '../db/message.entity';
import { QueuedMessageEntity } from '../db/queued-message.entity';
import { SessionConfigEntity } from '../db/session-config.entity';
import { SessionEntity } from '../db/session.entity';
import { UsageRecordEntity } from '../db/usage-record.entity';
import { inTransaction, lockRow, runWrite, requireCount, selectRows, chunks, newId, nowIso } from '@switchboard/persistence';

/** A session as stored (the API adds the override, effective model and queue length). */
export interface SessionRecord {
  id: string;
  channel: Channel;
  peerId: string;
  title: string | null;
  projectId: string | null;
  agent: string | null;
  /** Whose conversation this is (null: a group chat, or not known). */
  personId: string | null;
  /** The group chat this conversation belongs to (topics of one group share it), or null. */
  groupKey: string | null;
  /** Hidden from the default list. */
  archived: boolean;
  /** Listed first by the dashboard. */
  pinned: boolean;
  status: SessionStatus;
  version: number;
  lastModelConfigId: string | null;
  currentTurnId: string | null;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
}

/** What `SessionStore.update` may change; every update also bumps version and updated_at. */
export type SessionPatch = Partial<
  Pick<SessionRecord, 'title' | 'projectId' | 'agent' | 'archived' | 'pinned' | 'status' | 'lastModelConfigId' | 'currentTurnId' | 'lastActivityAt'>
>;

export interface GetOrCreateSessionInput {
  channel: Channel;
  peerId: string;
  title?: string | null;
  projectId?: string | null;
  agent?: string | null;
  personId?: string | null;
  groupKey?: string | null;
  /** An imported conversation keeps its id (re-importing it finds it) and its times. */
  id?: string;
  archived?: boolean;
  pinned?: boolean;
  createdAt?: string;
  lastActivityAt?: string;
}

/** Which sessions a list shows: not archived (the default), only archived, or all. */
export type ArchivedFilter = 'exclude' | 'only' | 'all';

interface SessionRow {
  id: string;
  channel: Channel;
  peer_id: string;
  title: string | null;
  project_id: string | null;
  agent: string | null;
  person_id: string | null;
  group_key: string | null;
  archived: number | boolean;
  pinned: number | boolean;
  status: SessionStatus;
  version: number | string;
  last_model_config_id: string | null;
  current_turn_id: string | null;
  created_at: string;
  updated_at: string;
  last_activity_at: string;
}

const COLUMNS = `"id", "channel", "peer_id", "title", "project_id", "agent", "person_id", "group_key", "archived", "pinned", "status", "version",
  "last_model_config_id", "current_turn_id", "created_at", "updated_at", "last_activity_at"`;

const PATCH_KEYS = ['title', 'projectId', 'agent', 'archived', 'pinned', 'status', 'lastModelConfigId', 'currentTurnId', 'lastActivityAt'] as const;
const COLUMN_OF: Record<(typeof PATCH_KEYS)[number], string> = {
  title: 'title',
  projectId: 'project_id',
  agent: 'agent',
  archived: 'archived',
  pinned: 'pinned',
  status: 'status',
  lastModelConfigId: 'last_model_config_id',
  currentTurnId: 'current_turn_id',
  lastActivityAt: 'last_activity_at',
};

// Tables that hang off a session, deleted explicitly (children first) rather than by cascade only.
const CHILD_TABLES = [UsageRecordEntity, QueuedMessageEntity, SessionConfigEntity, MessageEntity];

const DEFAULT_LIST_LIMIT = 100;

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    channel: row.channel,
    peerId: row.peer_id,
    title: row.title,
    projectId: row.project_id,
    agent: row.agent,
    personId: row.person_id,
    groupKey: row.group_key,
    archived: Boolean(row.archived),
    pinned: Boolean(row.pinned),
    status: row.status,
    version: Number(row.version),
    lastModelConfigId: row.last_model_config_id,
    currentTurnId: row.current_turn_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastActivityAt: row.last_activity_at,
  };
}

function notFound(id: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, `Session ${id} does not exist`, { sessionId: id });
}

function toIso(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a valid date: ${String(value)}`);
  return date.toISOString();
}

/** Sessions: get-or-create by (channel, peer), versioned updates and the turn claim. */
export class SessionStore {
  constructor(private readonly manager: EntityManager) {}

  /** The session of (channel, peerId), created if missing; safe when two callers race. */
  async getOrCreate(input: GetOrCreateSessionInput): Promise<{ session: SessionRecord; created: boolean }> {
    const existing = await this.findByPeer(this.manager, input.channel, input.peerId);
    if (existing) return { session: existing, created: false };
    const id = input.id ?? newId();
    const now = nowIso();
    return runWrite(this.manager, async (m) => {
      // Insert-or-ignore on the unique (channel, peer_id), then read whichever row won.
      await m
        .createQueryBuilder()
        .insert()
        .into(SessionEntity)
        .values({
          id,
          channel: input.channel,
          peerId: input.peerId,
          title: input.title ?? null,
          projectId: input.projectId ?? null,
          agent: input.agent ?? null,
          personId: input.personId ?? null,
          groupKey: input.groupKey ?? null,
          archived: input.archived ?? false,
          pinned: input.pinned ?? false,
          status: 'idle',
          version: 1,
          lastModelConfigId: null,
          currentTurnId: null,
          createdAt: input.createdAt ?? now,
          updatedAt: now,
          lastActivityAt: input.lastActivityAt ?? now,
        })
        .orIgnore()
        .execute();
      const session = await this.findByPeer(m, input.channel, input.peerId);
      if (!session) throw new Error(`Session (${input.channel}, ${input.peerId}) vanished right after its insert`);
      return { session, created: session.id === id };
    });
  }

  /** The session, or null. */
  async get(id: string): Promise<SessionRecord | null> {
    return this.find(this.manager, id);
  }

  /** The session, or a SESSION_NOT_FOUND error. */
  async require(id: string): Promise<SessionRecord> {
    const session = await this.find(this.manager, id);
    if (!session) throw notFound(id);
    return session;
  }

  /** Sessions, newest activity first (default limit 100; archived ones only when asked). */
  async list(query: { channel?: Channel; limit?: number; archived?: ArchivedFilter } = {}): Promise<SessionRecord[]> {
    const limit = requireCount('limit', query.limit ?? DEFAULT_LIST_LIMIT);
    const conditions: string[] = [];
    if (query.channel) conditions.push('"channel" = :channel');
    const archived = query.archived ?? 'all';
    if (archived !== 'all') conditions.push(`"archived" = :archived`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await selectRows<SessionRow>(
      this.manager,
      `SELECT ${COLUMNS} FROM "sessions" ${where}
       ORDER BY "last_activity_at" DESC, "created_at" DESC, "id" DESC LIMIT :limit`,
      { channel: query.channel, limit, archived: archived === 'only' },
    );
    return rows.map(toRecord);
  }

  /** The sessions of these ids that exist, in no particular order. */
  async getMany(ids: readonly string[]): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const group of chunks([...ids])) {
      const rows = await selectRows<SessionRow>(this.manager, `SELECT ${COLUMNS} FROM "sessions" WHERE "id" IN (:...ids)`, { ids: group });
      out.push(...rows.map(toRecord));
    }
    return out;
  }

  /** Applies the patch, always bumping version and updated_at; returns the new record. */
  async update(id: string, patch: SessionPatch): Promise<SessionRecord> {
    // One UPDATE … RETURNING: the hot path writes a session twice per turn.
    const sets = ['"version" = "version" + 1', '"updated_at" = :updatedAt'];
    const params: Record<string, unknown> = { id, updatedAt: nowIso() };
    for (const key of PATCH_KEYS) {
      if (patch[key] === undefined) continue;
      sets.push(`"${COLUMN_OF[key]}" = :${key}`);
      params[key] = patch[key];
    }
    return runWrite(this.manager, async (m) => {
      const rows = await selectRows<SessionRow>(m, `UPDATE "sessions" SET ${sets.join(', ')} WHERE "id" = :id RETURNING ${COLUMNS}`, params);
      if (!rows[0]) throw notFound(id);
      return toRecord(rows[0]);
    });
  }

  /** Bumps the version (something hanging off the session changed); returns the new record. */
  async bumpVersion(id: string): Promise<SessionRecord> {
    return this.update(id, {});
  }

  /**
   * Atomically marks the session running for this turn unless a turn already runs: the
   * database-level guarantee that one session never runs two turns. With `whenQueueEmpty`, also
   * not while messages wait in its queue (they go first), in the same statement. Null when not claimed.
   */
  async claim(id: string, turnId: string, opts: { whenQueueEmpty?: boolean } = {}): Promise<SessionRecord | null> {
    const now = nowIso();
    const queueEmpty = opts.whenQueueEmpty ? ` AND NOT EXISTS (SELECT 1 FROM "queued_messages" q WHERE q."session_id" = :id)` : '';
    return runWrite(this.manager, async (m) => {
      const rows = await selectRows<SessionRow>(
        m,
        `UPDATE "sessions" SET "status" = 'running', "current_turn_id" = :turnId, "version" = "version" + 1,
           "updated_at" = :now, "last_activity_at" = :now
         WHERE "id" = :id AND "status" <> 'running'${queueEmpty} RETURNING ${COLUMNS}`,
        { id, turnId, now },
      );
      return rows[0] ? toRecord(rows[0]) : null;
    });
  }

  /**
   * Ends the running turn: sets the status, clears current_turn_id, bumps the version. With
   * `turnId`, only releases that turn's claim (a stale turn cannot free a newer one) and
   * otherwise returns the record unchanged.
   */
  async release(id: string, status: 'idle' | 'interrupted', opts: { turnId?: string } = {}): Promise<SessionRecord> {
    return runWrite(this.manager, async (m) => {
      const qb = m
        .createQueryBuilder()
        .update(SessionEntity)
        .set({ status, currentTurnId: null, version: () => '"version" + 1', updatedAt: nowIso() })
        .where('"id" = :id', { id });
      if (opts.turnId !== undefined) qb.andWhere('"current_turn_id" = :turnId', { turnId: opts.turnId });
      await qb.execute();
      return this.requireWith(m, id);
    });
  }

  /** Crash recovery: every running session becomes interrupted; returns their ids. */
  async markRunningInterrupted(): Promise<string[]> {
    // One statement: a session claimed meanwhile (another replica's turn) is either in it or untouched.
    const rows = await runWrite(this.manager, (m) =>
      selectRows<{ id: string }>(
        m,
        `UPDATE "sessions" SET "status" = 'interrupted', "current_turn_id" = NULL, "version" = "version" + 1, "updated_at" = :now
         WHERE "status" = 'running' RETURNING "id"`,
        { now: nowIso() },
      ),
    );
    return rows.map((r) => r.id).sort();
  }

  /** Deletes the session with its messages, config, queue and usage; false if it did not exist. */
  async delete(id: string): Promise<boolean> {
    return inTransaction(this.manager, async (m) => {
      await lockRow(m, 'sessions', id, { forDelete: true });
      for (const table of CHILD_TABLES) {
        await m.createQueryBuilder().delete().from(table).where('"session_id" = :id', { id }).execute();
      }
      const result = await m.createQueryBuilder().delete().from(SessionEntity).where('"id" = :id', { id }).execute();
      return Boolean(result.affected);
    });
  }

  /**
   * Sessions idle since before `before` (never running ones), oldest first, optionally only of
   * some channels and peer-id prefix: what a retention sweep deletes (through the engine's delete).
   */
  async staleIds(before: Date | string, filter: { channels?: readonly Channel[]; peerPrefix?: string; limit?: number } = {}): Promise<string[]> {
    const cutoff = toIso(before);
    const where = [`"last_activity_at" < :cutoff`, `"status" <> 'running'`];
    const params: Record<string, unknown> = { cutoff, limit: filter.limit ?? 1000 };
    if (filter.channels) {
      if (filter.channels.length === 0) return [];
      where.push(`"channel" IN (${filter.channels.map((_, i) => `:ch${i}`).join(', ')})`);
      filter.channels.forEach((c, i) => (params[`ch${i}`] = c));
    }
    if (filter.peerPrefix) {
      where.push(`substr("peer_id", 1, :prefixLength) = :prefix`);
      params.prefix = filter.peerPrefix;
      params.prefixLength = filter.peerPrefix.length;
    }
    const rows = await selectRows<{ id: string }>(this.manager, `SELECT "id" FROM "sessions" WHERE ${where.join(' AND ')} ORDER BY "last_activity_at", "id" LIMIT :limit`, params);
    return rows.map((r) => r.id);
  }

  private async find(m: EntityManager, id: string): Promise<SessionRecord | null> {
    const rows = await selectRows<SessionRow>(m, `SELECT ${COLUMNS} FROM "sessions" WHERE "id" = :id`, { id });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  private async requireWith(m: EntityManager, id: string): Promise<SessionRecord> {
    const session = await this.find(m, id);
    if (!session) throw notFound(id);
    return session;
  }

  private async findByPeer(m: EntityManager, channel: Channel, peerId: string): Promise<SessionRecord | null> {
    const rows = await selectRows<SessionRow>(
      m,
      `SELECT ${COLUMNS} FROM "sessions" WHERE "channel" = :channel AND "peer_id" = :peerId`,
      { channel, peerId },
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
