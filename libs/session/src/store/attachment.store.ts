import type { EntityManager } from 'typeorm';
import { ErrorCode, SwitchboardError, type Attachment, type AttachmentStatus, type MessageAttachment } from '@switchboard/protocol';
import { chunks, inTransaction, isForeignKeyViolation, newId, nowIso, requireCount, runWrite, selectRows } from '@switchboard/persistence';

interface AttachmentRow {
  id: string;
  session_id: string;
  message_id: string | null;
  status: AttachmentStatus;
  name: string;
  media_type: string;
  size: number | string;
  created_at: string;
}

const COLUMNS = `"id", "session_id", "message_id", "status", "name", "media_type", "size", "created_at"`;

function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    sessionId: row.session_id,
    messageId: row.message_id,
    status: row.status,
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    createdAt: row.created_at,
  };
}

/** The short form a message carries. */
export function attachmentRef(a: Pick<Attachment, 'id' | 'name' | 'mediaType' | 'size'>): MessageAttachment {
  return { id: a.id, name: a.name, mediaType: a.mediaType, size: a.size };
}

export function attachmentNotFound(sessionId: string, attachmentId: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ATTACHMENT_NOT_FOUND, `Attachment ${attachmentId} is not an attachment of this conversation.`, { sessionId, attachmentId });
}

/** A new attachment: its metadata and bytes. */
export interface NewAttachment {
  sessionId: string;
  name: string;
  mediaType: string;
  data: Uint8Array;
}

/**
 * Attachments of conversations: metadata in `attachments`, bytes in `attachment_blobs` (read
 * only when asked for). An upload is `pending`; sending it makes it `queued` (waiting with its
 * queued message) or `sent` (bound to the stored user message, and deleted with it).
 */
export class AttachmentStore {
  constructor(private readonly manager: EntityManager) {}

  /** Stores a file (metadata and bytes in one transaction); SESSION_NOT_FOUND when the session is gone. */
  async create(input: NewAttachment, status: AttachmentStatus = 'pending'): Promise<Attachment> {
    const row: AttachmentRow = {
      id: newId(),
      session_id: input.sessionId,
      message_id: null,
      status,
      name: input.name,
      media_type: input.mediaType,
      size: input.data.byteLength,
      created_at: nowIso(),
    };
    try {
      await inTransaction(this.manager, async (m) => {
        await runWrite(m, (w) =>
          selectRows(
            w,
            `INSERT INTO "attachments" (${COLUMNS}) VALUES (:id, :sessionId, NULL, :status, :name, :mediaType, :size, :createdAt)`,
            { id: row.id, sessionId: row.session_id, status, name: row.name, mediaType: row.media_type, size: row.size, createdAt: row.created_at },
          ),
        );
        await runWrite(m, (w) =>
          selectRows(w, `INSERT INTO "attachment_blobs" ("attachment_id", "data") VALUES (:id, :data)`, { id: row.id, data: Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength) }),
        );
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, `Session ${input.sessionId} does not exist`, { sessionId: input.sessionId });
      throw err;
    }
    return toAttachment(row);
  }

  /** One attachment of this session, or null (another session's counts as absent). */
  async get(sessionId: string, id: string): Promise<Attachment | null> {
    const rows = await selectRows<AttachmentRow>(this.manager, `SELECT ${COLUMNS} FROM "attachments" WHERE "id" = :id AND "session_id" = :sessionId`, { id, sessionId });
    return rows[0] ? toAttachment(rows[0]) : null;
  }

  /** The attachments of a session, oldest first (metadata only). */
  async list(sessionId: string): Promise<Attachment[]> {
    const rows = await selectRows<AttachmentRow>(this.manager, `SELECT ${COLUMNS} FROM "attachments" WHERE "session_id" = :sessionId ORDER BY "created_at" ASC, "id" ASC`, {
      sessionId,
    });
    return rows.map(toAttachment);
  }

  /** The bytes of these attachments, by id (absent ids are left out). */
  async data(ids: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const batch of chunks([...new Set(ids)], 100)) {
      const rows = await selectRows<{ attachment_id: string; data: Buffer | Uint8Array }>(
        this.manager,
        `SELECT "attachment_id", "data" FROM "attachment_blobs" WHERE "attachment_id" IN (:...ids)`,
        { ids: batch },
      );
      for (const r of rows) out.set(r.attachment_id, Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data));
    }
    return out;
  }

  /**
   * Takes uploads of this session for a message, in the given order: each must exist here and be
   * `pending` (ATTACHMENT_NOT_FOUND / ATTACHMENT_IN_USE otherwise, changing nothing). They become
   * `sent` with the message, or `queued` when `messageId` is null.
   */
  async claim(sessionId: string, ids: readonly string[], messageId: string | null): Promise<Attachment[]> {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)];
    return inTransaction(this.manager, async (m) => {
      const rows = await selectRows<AttachmentRow>(m, `SELECT ${COLUMNS} FROM "attachments" WHERE "session_id" = :sessionId AND "id" IN (:...ids)`, {
        sessionId,
        ids: unique,
      });
      const byId = new Map(rows.map((r) => [r.id, toAttachment(r)]));
      const inUse = (id: string, status: AttachmentStatus) =>
        new SwitchboardError(ErrorCode.ATTACHMENT_IN_USE, `Attachment ${id} was already sent with a message; upload the file again to send it again.`, {
          sessionId,
          attachmentId: id,
          status,
        });
      for (const id of unique) {
        const found = byId.get(id);
        if (!found) throw attachmentNotFound(sessionId, id);
        if (found.status !== 'pending') throw inUse(id, found.status);
      }
      // Only still-pending rows change: a file another send (or the sweep) took meanwhile fails this one.
      const taken = await this.setStatus(m, unique, messageId, 'pending');
      const lost = unique.find((id) => !taken.has(id));
      if (lost) throw inUse(lost, 'queued');
      return unique.map((id) => ({ ...byId.get(id)!, status: messageId ? 'sent' : 'queued', messageId }));
    });
  }

  /** A queued message's attachments now belong to its stored message (the turn started). */
  async bindQueued(ids: readonly string[], messageId: string): Promise<void> {
    if (ids.length) await this.setStatus(this.manager, [...new Set(ids)], messageId);
  }

  /** Deletes attachments by id, bytes included (a deleted queued message's); returns how many went. */
  async deleteMany(sessionId: string, ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const batch of chunks([...new Set(ids)], 100)) {
      const rows = await runWrite(this.manager, (m) =>
        selectRows<{ id: string }>(m, `DELETE FROM "attachments" WHERE "session_id" = :sessionId AND "id" IN (:...ids) RETURNING "id"`, { sessionId, ids: batch }),
      );
      n += rows.length;
    }
    return n;
  }

  /** Deletes an upload nobody sent; ATTACHMENT_NOT_FOUND / ATTACHMENT_IN_USE otherwise. */
  async deletePending(sessionId: string, id: string): Promise<Attachment> {
    return inTransaction(this.manager, async (m) => {
      const rows = await selectRows<AttachmentRow>(m, `SELECT ${COLUMNS} FROM "attachments" WHERE "id" = :id AND "session_id" = :sessionId`, { id, sessionId });
      if (!rows[0]) throw attachmentNotFound(sessionId, id);
      const found = toAttachment(rows[0]);
      if (found.status !== 'pending') {
        throw new SwitchboardError(ErrorCode.ATTACHMENT_IN_USE, `Attachment ${id} belongs to a message; it goes when the message or the conversation is deleted.`, {
          sessionId,
          attachmentId: id,
          status: found.status,
        });
      }
      // Only while still unsent: a send that took it meanwhile wins.
      const deleted = await runWrite(m, (w) => selectRows<{ id: string }>(w, `DELETE FROM "attachments" WHERE "id" = :id AND "status" = 'pending' RETURNING "id"`, { id }));
      if (!deleted.length) throw new SwitchboardError(ErrorCode.ATTACHMENT_IN_USE, `Attachment ${id} was sent meanwhile.`, { sessionId, attachmentId: id });
      return found;
    });
  }

  /** Deletes uploads left unsent since before `before` (at most `limit`); returns how many went. */
  async sweepPending(before: string, limit = 500): Promise<number> {
    const rows = await runWrite(this.manager, (m) =>
      selectRows<{ id: string }>(
        m,
        // The outer status check too: on PostgreSQL a row sent after the subquery read it is checked again, and kept.
        `DELETE FROM "attachments" WHERE "status" = 'pending' AND "id" IN (SELECT "id" FROM "attachments" WHERE "status" = 'pending' AND "created_at" < :before
           ORDER BY "created_at" ASC LIMIT ${requireCount('limit', limit)}) RETURNING "id"`,
        { before },
      ),
    );
    return rows.length;
  }

  /** How many attachments are stored (every conversation). */
  async count(): Promise<number> {
    const rows = await selectRows<{ n: number | string }>(this.manager, `SELECT COUNT(*) AS "n" FROM "attachments"`);
    return Number(rows[0]?.n ?? 0);
  }

  /** Sets the status (`sent` with a message, else `queued`) of these rows, only those in `from` when given; the ids it changed. */
  private async setStatus(m: EntityManager, ids: string[], messageId: string | null, from?: AttachmentStatus): Promise<Set<string>> {
    const changed = new Set<string>();
    for (const batch of chunks(ids, 100)) {
      const rows = await runWrite(m, (w) =>
        selectRows<{ id: string }>(
          w,
          `UPDATE "attachments" SET "status" = :status, "message_id" = :messageId WHERE "id" IN (:...ids)${from ? ` AND "status" = :from` : ''} RETURNING "id"`,
          { status: messageId ? 'sent' : 'queued', messageId, ids: batch, ...(from ? { from } : {}) },
        ),
      );
      for (const r of rows) changed.add(r.id);
    }
    return changed;
  }
}
