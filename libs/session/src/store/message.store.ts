import type { EntityManager } from 'typeorm';
import {
  ErrorCode,
  SwitchboardError,
  type ContentPart,
  type Message,
  type MessageAttachment,
  type MessageKind,
  type MessageRole,
  type MessageStatus,
  type ModelSource,
  type Usage,
} from '@switchboard/protocol';
import { MessageEntity } from '../db/message.entity';
import { inTransaction, runWrite, requireCount, selectRows, isForeignKeyViolation, lockRow, newId, nowIso, parseJson } from '@switchboard/persistence';

/** A stored message: exactly the protocol's `Message`, so the API returns it as-is. */
export type MessageRecord = Message;

/** One line of the conversation a model sees. */
export interface ConversationLine {
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  /** The files a user message carried (metadata; the bytes are the attachment store's). */
  attachments?: MessageAttachment[];
}

export interface AppendMessageInput {
  sessionId: string;
  role: MessageRole;
  kind: MessageKind;
  content: string;
  parts?: ContentPart[];
  status?: MessageStatus;
  turnId?: string | null;
  modelConfigId?: string | null;
  modelSource?: ModelSource | null;
  modelLabel?: string | null;
  warnings?: string[];
  usage?: Usage | null;
  event?: Record<string, unknown> | null;
  /** Who sent a user message. */
  personId?: string | null;
  /** The files a user message carries. */
  attachments?: MessageAttachment[];
}

export interface MessagePatch {
  content?: string;
  parts?: ContentPart[];
  status?: MessageStatus;
  usage?: Usage | null;
  warnings?: string[];
  modelConfigId?: string | null;
  modelSource?: ModelSource | null;
  modelLabel?: string | null;
  event?: Record<string, unknown> | null;
}

interface MessageRow {
  id: string;
  session_id: string;
  seq: number | string;
  turn_id: string | null;
  role: MessageRole;
  kind: MessageKind;
  content: string;
  parts: string;
  status: MessageStatus;
  model_config_id: string | null;
  model_source: ModelSource | null;
  model_label: string | null;
  warnings: string;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  cached_tokens: number | string | null;
  cost_usd: number | string | null;
  event: string | null;
  person_id: string | null;
  attachments: string;
  created_at: string;
}

const COLUMNS = `"id", "session_id", "seq", "turn_id", "role", "kind", "content", "parts", "status", "model_config_id",
  "model_source", "model_label", "warnings", "input_tokens", "output_tokens", "cached_tokens", "cost_usd", "event", "person_id", "attachments", "created_at"`;

// What a model sees: conversation text (or files), not commands, system events or archived (superseded) attempts.
const CONVERSATION_WHERE = `"session_id" = :sessionId AND "kind" = 'text' AND "role" IN ('user', 'assistant') AND "status" <> 'superseded' AND (TRIM("content") <> '' OR "attachments" <> '[]')`;

function toRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    seq: Number(row.seq),
    turnId: row.turn_id,
    role: row.role,
    kind: row.kind,
    content: row.content,
    parts: parseJson<ContentPart[]>(row.parts, []),
    status: row.status,
    modelConfigId: row.model_config_id,
    modelSource: row.model_source,
    modelLabel: row.model_label,
    warnings: parseJson<string[]>(row.warnings, []),
    // The four usage columns are written together: all set or all null.
    usage:
      row.input_tokens === null
        ? null
        : {
            inputTokens: Number(row.input_tokens),
            outputTokens: Number(row.output_tokens ?? 0),
            cachedTokens: Number(row.cached_tokens ?? 0),
            costUsd: Number(row.cost_usd ?? 0),
          },
    event: parseJson<Record<string, unknown> | null>(row.event, null),
    personId: row.person_id,
    attachments: parseJson<MessageAttachment[]>(row.attachments, []),
    createdAt: row.created_at,
  };
}

function usageColumns(usage: Usage | null): Pick<MessageEntity, 'inputTokens' | 'outputTokens' | 'cachedTokens' | 'costUsd'> {
  return {
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    cachedTokens: usage?.cachedTokens ?? null,
    costUsd: usage?.costUsd ?? null,
  };
}

function sessionNotFound(sessionId: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, `Session ${sessionId} does not exist`, { sessionId });
}

/** Conversation history, system events included, numbered 1.. per session. */
export class MessageStore {
  constructor(private readonly manager: EntityManager) {}

  /** Appends a message with the session's next seq; SESSION_NOT_FOUND if the session is missing. */
  async append(input: AppendMessageInput): Promise<MessageRecord> {
    const id = newId();
    const createdAt = nowIso();
    try {
      // seq is computed inside the INSERT; RETURNING saves a read.
      const usage = usageColumns(input.usage ?? null);
      const insert = (m: EntityManager) =>
        selectRows<MessageRow>(
          m,
          `INSERT INTO "messages" (${COLUMNS}) VALUES (:id, :sessionId,
             (SELECT COALESCE(MAX("seq"), 0) + 1 FROM "messages" WHERE "session_id" = :sessionId),
             :turnId, :role, :kind, :content, :parts, :status, :modelConfigId, :modelSource, :modelLabel, :warnings,
             :inputTokens, :outputTokens, :cachedTokens, :costUsd, :event, :personId, :attachments, :createdAt)
           RETURNING ${COLUMNS}`,
          {
            id,
            sessionId: input.sessionId,
            turnId: input.turnId ?? null,
            role: input.role,
            kind: input.kind,
            content: input.content,
            parts: JSON.stringify(input.parts ?? []),
            status: input.status ?? 'complete',
            modelConfigId: input.modelConfigId ?? null,
            modelSource: input.modelSource ?? null,
            modelLabel: input.modelLabel ?? null,
            warnings: JSON.stringify(input.warnings ?? []),
            ...usage,
            event: input.event ? JSON.stringify(input.event) : null,
            personId: input.personId ?? null,
            attachments: JSON.stringify(input.attachments ?? []),
            createdAt,
          },
        );
      // On PostgreSQL two transactions would both read the same MAX(seq): the session's row lock orders them.
      return await inTransaction(this.manager, async (m) => {
        await lockRow(m, 'sessions', input.sessionId);
        const rows = await insert(m);
        if (!rows[0]) throw new Error(`Message ${id} was not stored`);
        return toRecord(rows[0]);
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw sessionNotFound(input.sessionId);
      throw err;
    }
  }

  /** Writes imported messages as they were (seq, time, model, usage, events) under new ids; the caller holds the transaction. */
  async importMany(sessionId: string, messages: readonly Omit<MessageRecord, 'id' | 'sessionId'>[]): Promise<number> {
    for (const msg of messages) {
      await selectRows(
        this.manager,
        `INSERT INTO "messages" (${COLUMNS}) VALUES (:id, :sessionId, :seq, :turnId, :role, :kind, :content, :parts, :status, :modelConfigId,
           :modelSource, :modelLabel, :warnings, :inputTokens, :outputTokens, :cachedTokens, :costUsd, :event, :personId, :attachments, :createdAt)`,
        {
          id: newId(),
          sessionId,
          seq: msg.seq,
          turnId: msg.turnId,
          role: msg.role,
          kind: msg.kind,
          content: msg.content,
          parts: JSON.stringify(msg.parts),
          // A reply that was streaming when exported did not finish.
          status: msg.status === 'streaming' ? 'interrupted' : msg.status,
          modelConfigId: msg.modelConfigId,
          modelSource: msg.modelSource,
          modelLabel: msg.modelLabel,
          warnings: JSON.stringify(msg.warnings),
          ...usageColumns(msg.usage),
          event: msg.event ? JSON.stringify(msg.event) : null,
          personId: msg.personId ?? null,
          // The archive holds no file bytes: the messages keep saying what was attached.
          attachments: JSON.stringify(msg.attachments ?? []),
          createdAt: msg.createdAt,
        },
      );
    }
    return messages.length;
  }

  /** The message, or null. */
  async get(id: string): Promise<MessageRecord | null> {
    return this.find(this.manager, id);
  }

  /**
   * History in ascending seq. Without `afterSeq`, `limit` keeps the last N; with it, the first
   * N after that seq, so a client catching up can page forward without gaps. With `beforeSeq`,
   * the last N before that seq (a client loading earlier history pages backward).
   */
  async list(sessionId: string, query: { limit?: number; afterSeq?: number; beforeSeq?: number } = {}): Promise<MessageRecord[]> {
    const params: Record<string, unknown> = { sessionId };
    if (query.beforeSeq !== undefined) {
      params.beforeSeq = requireCount('beforeSeq', query.beforeSeq);
      return this.lastN(`"session_id" = :sessionId AND "seq" < :beforeSeq`, params, query.limit);
    }
    if (query.afterSeq !== undefined) {
      params.afterSeq = requireCount('afterSeq', query.afterSeq);
      const limit = query.limit === undefined ? '' : `LIMIT ${requireCount('limit', query.limit)}`;
      const rows = await selectRows<MessageRow>(
        this.manager,
        `SELECT ${COLUMNS} FROM "messages" WHERE "session_id" = :sessionId AND "seq" > :afterSeq ORDER BY "seq" ASC ${limit}`,
        params,
      );
      return rows.map(toRecord);
    }
    return this.lastN(`"session_id" = :sessionId`, params, query.limit);
  }

  /** Applies the patch and returns the updated message; NOT_FOUND when it does not exist. */
  async update(id: string, patch: MessagePatch): Promise<MessageRecord> {
    const set: Record<string, unknown> = {};
    if (patch.content !== undefined) set.content = patch.content;
    if (patch.parts !== undefined) set.parts = JSON.stringify(patch.parts);
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.warnings !== undefined) set.warnings = JSON.stringify(patch.warnings);
    if (patch.modelConfigId !== undefined) set.model_config_id = patch.modelConfigId;
    if (patch.modelSource !== undefined) set.model_source = patch.modelSource;
    if (patch.modelLabel !== undefined) set.model_label = patch.modelLabel;
    if (patch.event !== undefined) set.event = patch.event === null ? null : JSON.stringify(patch.event);
    if (patch.usage !== undefined) {
      const u = usageColumns(patch.usage);
      Object.assign(set, { input_tokens: u.inputTokens, output_tokens: u.outputTokens, cached_tokens: u.cachedTokens, cost_usd: u.costUsd });
    }
    const keys = Object.keys(set);
    if (keys.length === 0) {
      const message = await this.find(this.manager, id);
      if (!message) throw new SwitchboardError(ErrorCode.NOT_FOUND, `Message ${id} does not exist`, { messageId: id });
      return message;
    }
    // One UPDATE … RETURNING (the hot path updates the reply once per turn, plus partial saves).
    const params: Record<string, unknown> = { id };
    const sets = keys.map((k) => {
      params[`v_${k}`] = set[k];
      return `"${k}" = :v_${k}`;
    });
    return runWrite(this.manager, async (m) => {
      const rows = await selectRows<MessageRow>(m, `UPDATE "messages" SET ${sets.join(', ')} WHERE "id" = :id RETURNING ${COLUMNS}`, params);
      if (!rows[0]) throw new SwitchboardError(ErrorCode.NOT_FOUND, `Message ${id} does not exist`, { messageId: id });
      return toRecord(rows[0]);
    });
  }

  /**
   * What a model sees, ascending: user/assistant text messages with content after `afterSeq`
   * (limit keeps the last N). Only the columns a prompt needs: this runs every turn.
   */
  async conversation(sessionId: string, query: { limit?: number; afterSeq?: number } = {}): Promise<ConversationLine[]> {
    const limit = query.limit === undefined ? '' : `LIMIT ${requireCount('limit', query.limit)}`;
    const rows = await selectRows<{ seq: number | string; role: 'user' | 'assistant'; content: string; attachments: string }>(
      this.manager,
      `SELECT "seq", "role", "content", "attachments" FROM "messages" WHERE ${CONVERSATION_WHERE} AND "seq" > :afterSeq ORDER BY "seq" DESC ${limit}`,
      { sessionId, afterSeq: requireCount('afterSeq', query.afterSeq ?? 0) },
    );
    const lines: ConversationLine[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[rows.length - 1 - i];
      lines[i] = { seq: Number(r.seq), role: r.role, content: r.content };
      if (r.attachments !== '[]') lines[i].attachments = parseJson<MessageAttachment[]>(r.attachments, []);
    }
    return lines;
  }

  /** The latest assistant text message, or null. */
  async lastAssistant(sessionId: string): Promise<MessageRecord | null> {
    const rows = await selectRows<MessageRow>(
      this.manager,
      `SELECT ${COLUMNS} FROM "messages" WHERE "session_id" = :sessionId AND "kind" = 'text' AND "role" = 'assistant'
       AND "status" <> 'superseded' ORDER BY "seq" DESC LIMIT 1`,
      { sessionId },
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The user message that opened a turn, or null (a recovered or system-only turn). */
  async userMessageOfTurn(sessionId: string, turnId: string): Promise<MessageRecord | null> {
    const rows = await selectRows<MessageRow>(
      this.manager,
      `SELECT ${COLUMNS} FROM "messages" WHERE "session_id" = :sessionId AND "turn_id" = :turnId AND "role" = 'user' AND "kind" = 'text'
       ORDER BY "seq" ASC LIMIT 1`,
      { sessionId, turnId },
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Archives the history from `fromSeq` on (a retry, a regeneration, an edit): each message not
   * yet archived becomes `superseded`, keeping its text, with `event.archived` saying by which
   * turn, why, and its status before. Returns the archived ids in seq order.
   */
  async supersedeFrom(sessionId: string, fromSeq: number, archived: { turnId: string; reason: 'retry' | 'edit' }): Promise<string[]> {
    return inTransaction(this.manager, async (m) => {
      // Read then write: two archivings of one session on PostgreSQL take turns.
      await lockRow(m, 'sessions', sessionId);
      const rows = await selectRows<MessageRow>(
        m,
        `SELECT ${COLUMNS} FROM "messages" WHERE "session_id" = :sessionId AND "seq" >= :fromSeq AND "status" <> 'superseded' ORDER BY "seq" ASC`,
        { sessionId, fromSeq: requireCount('fromSeq', fromSeq) },
      );
      const at = nowIso();
      for (const row of rows) {
        const event = { ...(parseJson<Record<string, unknown> | null>(row.event, null) ?? {}), archived: { ...archived, previousStatus: row.status, at } };
        await runWrite(m, (w) =>
          w.createQueryBuilder().update(MessageEntity).set({ status: 'superseded', event: JSON.stringify(event) }).where('"id" = :id', { id: row.id }).execute(),
        );
      }
      return rows.map((r) => r.id);
    });
  }

  /** The latest message of one kind (e.g. the last `compaction` event), or null. */
  async lastOfKind(sessionId: string, kind: MessageRecord['kind']): Promise<MessageRecord | null> {
    const rows = await selectRows<MessageRow>(
      this.manager,
      `SELECT ${COLUMNS} FROM "messages" WHERE "session_id" = :sessionId AND "kind" = :kind ORDER BY "seq" DESC LIMIT 1`,
      { sessionId, kind },
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Crash recovery: every streaming message (of one session, when given) becomes interrupted, its partial text kept; returns them. */
  async markStreamingInterrupted(sessionId?: string): Promise<MessageRecord[]> {
    // One statement: a message that starts streaming meanwhile (another replica's turn) is either in it or untouched.
    const rows = await runWrite(this.manager, (m) =>
      selectRows<MessageRow>(
        m,
        `UPDATE "messages" SET "status" = 'interrupted' WHERE "status" = 'streaming'${sessionId ? ` AND "session_id" = :sessionId` : ''} RETURNING ${COLUMNS}`,
        sessionId ? { sessionId } : {},
      ),
    );
    return rows.map(toRecord).sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
  }

  /** Number of messages of the session (system events included). */
  async count(sessionId: string): Promise<number> {
    const rows = await selectRows<{ n: number | string }>(this.manager, `SELECT COUNT(*) AS "n" FROM "messages" WHERE "session_id" = :sessionId`, {
      sessionId,
    });
    return Number(rows[0]?.n ?? 0);
  }

  /** Deletes the session's whole history; returns how many messages went. */
  async clear(sessionId: string): Promise<number> {
    const result = await runWrite(this.manager, (m) =>
      m.createQueryBuilder().delete().from(MessageEntity).where('"session_id" = :sessionId', { sessionId }).execute(),
    );
    return result.affected ?? 0;
  }

  private async find(m: EntityManager, id: string): Promise<MessageRecord | null> {
    const rows = await selectRows<MessageRow>(m, `SELECT ${COLUMNS} FROM "messages" WHERE "id" = :id`, { id });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Rows matching `where` in ascending seq; with a limit, the last N of them. */
  private async lastN(where: string, params: Record<string, unknown>, limit: number | undefined): Promise<MessageRecord[]> {
    if (limit === undefined) {
      const rows = await selectRows<MessageRow>(this.manager, `SELECT ${COLUMNS} FROM "messages" WHERE ${where} ORDER BY "seq" ASC`, params);
      return rows.map(toRecord);
    }
    const rows = await selectRows<MessageRow>(
      this.manager,
      `SELECT ${COLUMNS} FROM "messages" WHERE ${where} ORDER BY "seq" DESC LIMIT ${requireCount('limit', limit)}`,
      params,
    );
    return rows.reverse().map(toRecord);
  }
}
