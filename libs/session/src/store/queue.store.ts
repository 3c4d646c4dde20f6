import type { EntityManager } from 'typeorm';
import { ErrorCode, LIMITS, SwitchboardError, type MessageAttachment, type ModelSource, type QueuedMessage } from '@switchboard/protocol';
import { QueuedMessageEntity } from '../db/queued-message.entity';
import { inTransaction, runWrite, requireCount, selectRows, chunks, isForeignKeyViolation, lockRow, newId, nowIso, parseJson } from '@switchboard/persistence';
import type { TurnOptions } from '../engine/engine.types';

/** A queued message as the API shows it: `position` is its place in the queue, 1..n. */
export type QueuedRecord = QueuedMessage;

export interface EnqueueInput {
  sessionId: string;
  text: string;
  /** The model snapshot in force when the message was queued. */
  modelConfigId: string;
  modelSource: ModelSource;
  /** Provider options the sender asked for, run with the message's turn (kept as JSON). */
  turnOptions?: TurnOptions | null;
  /** Who sent it. */
  personId?: string | null;
  /** The files it carries (already claimed as `queued`). */
  attachments?: MessageAttachment[];
}

/** The head of a queue, with what its turn needs beyond the wire shape. */
export type QueuedHead = QueuedRecord & { turnOptions: TurnOptions | null };

interface QueuedRow {
  id: string;
  session_id: string;
  text: string;
  model_config_id: string;
  model_source: ModelSource;
  person_id: string | null;
  attachments: string;
  created_at: string;
}

const COLUMNS = `"id", "session_id", "text", "model_config_id", "model_source", "person_id", "attachments", "created_at"`;
// Stored positions are sparse (and go negative after "move to head"); ties fall back to arrival.
const ORDER = `ORDER BY "position" ASC, "created_at" ASC, "id" ASC`;

function toRecord(row: QueuedRow, position: number): QueuedRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    position,
    text: row.text,
    modelConfigId: row.model_config_id,
    modelSource: row.model_source,
    personId: row.person_id,
    attachments: parseJson<MessageAttachment[]>(row.attachments, []),
    createdAt: row.created_at,
  };
}

function queuedNotFound(sessionId: string, id: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.QUEUED_MESSAGE_NOT_FOUND, `Queued message ${id} is not in session ${sessionId}'s queue`, {
    sessionId,
    queuedId: id,
  });
}

/** Messages waiting for their session, FIFO, each with its model snapshot. */
export class QueueStore {
  constructor(private readonly manager: EntityManager) {}

  /** Appends to the tail; QUEUE_FULL (storing nothing) when the session already has `max`. */
  async enqueue(input: EnqueueInput, max: number = LIMITS.maxQueuePerSession): Promise<QueuedRecord> {
    requireCount('max', max);
    try {
      // Count and insert in one transaction (serialised on SQLite; on PostgreSQL under the session's
      // row lock), so racing sends cannot overfill nor share a position.
      return await inTransaction(this.manager, async (m) => {
        await lockRow(m, 'sessions', input.sessionId);
        const count = await this.countWith(m, input.sessionId);
        if (count >= max) {
          throw new SwitchboardError(ErrorCode.QUEUE_FULL, `The queue of this session is full (${max} messages)`, {
            max,
            sessionId: input.sessionId,
          });
        }
        const id = newId();
        const createdAt = nowIso();
        await m
          .createQueryBuilder()
          .insert()
          .into(QueuedMessageEntity)
          .values({
            id,
            sessionId: input.sessionId,
            position: () => `(SELECT COALESCE(MAX("position"), 0) + 1 FROM "queued_messages" WHERE "session_id" = :positionSessionId)`,
            text: input.text,
            modelConfigId: input.modelConfigId,
            modelSource: input.modelSource,
            turnOptions: input.turnOptions ? JSON.stringify(input.turnOptions) : null,
            personId: input.personId ?? null,
            attachments: JSON.stringify(input.attachments ?? []),
            createdAt,
          })
          .setParameter('positionSessionId', input.sessionId)
          .execute();
        return {
          id,
          sessionId: input.sessionId,
          position: count + 1,
          text: input.text,
          modelConfigId: input.modelConfigId,
          modelSource: input.modelSource,
          personId: input.personId ?? null,
          attachments: input.attachments ?? [],
          createdAt,
        };
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) {
        throw new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, `Session ${input.sessionId} does not exist`, { sessionId: input.sessionId });
      }
      throw err;
    }
  }

  /** The queue in order, positions renumbered 1..n. */
  async list(sessionId: string): Promise<QueuedRecord[]> {
    return this.listWith(this.manager, sessionId);
  }

  /** The next message to run, with its turn options, or null. */
  async head(sessionId: string): Promise<QueuedHead | null> {
    const rows = await selectRows<QueuedRow & { turn_options: string | null }>(
      this.manager,
      `SELECT ${COLUMNS}, "turn_options" FROM "queued_messages" WHERE "session_id" = :sessionId ${ORDER} LIMIT 1`,
      { sessionId },
    );
    const row = rows[0];
    return row ? { ...toRecord(row, 1), turnOptions: row.turn_options ? (JSON.parse(row.turn_options) as TurnOptions) : null } : null;
  }

  /** One queued message of this session; QUEUED_MESSAGE_NOT_FOUND when absent or another session's. */
  async get(sessionId: string, id: string): Promise<QueuedRecord> {
    return this.requireWith(this.manager, sessionId, id);
  }

  /** Removes a queued message and returns it; QUEUED_MESSAGE_NOT_FOUND when absent. */
  async remove(sessionId: string, id: string): Promise<QueuedRecord> {
    return runWrite(this.manager, async (m) => {
      const record = await this.requireWith(m, sessionId, id);
      await m
        .createQueryBuilder()
        .delete()
        .from(QueuedMessageEntity)
        .where('"id" = :id AND "session_id" = :sessionId', { id, sessionId })
        .execute();
      return record;
    });
  }

  /** Moves a queued message to the head of its queue and returns it (position 1). */
  async moveToHead(sessionId: string, id: string): Promise<QueuedRecord> {
    return inTransaction(this.manager, async (m) => {
      // Two moves at once on PostgreSQL would both take MIN - 1: they take turns on the session's row.
      await lockRow(m, 'sessions', sessionId);
      const result = await m
        .createQueryBuilder()
        .update(QueuedMessageEntity)
        .set({ position: () => `(SELECT MIN("position") FROM "queued_messages" WHERE "session_id" = :sessionId) - 1` })
        .where('"id" = :id AND "session_id" = :sessionId', { id, sessionId })
        .execute();
      if (!result.affected) throw queuedNotFound(sessionId, id);
      return this.requireWith(m, sessionId, id);
    });
  }

  /** How many messages wait in the session's queue. */
  async count(sessionId: string): Promise<number> {
    return this.countWith(this.manager, sessionId);
  }

  /** How many messages wait in each of these sessions' queues (0 for an empty one), in one query per 500 ids. */
  async countMany(sessionIds: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>(sessionIds.map((id) => [id, 0]));
    for (const ids of chunks(sessionIds)) {
      const rows = await selectRows<{ session_id: string; n: number | string }>(
        this.manager,
        `SELECT "session_id", COUNT(*) AS "n" FROM "queued_messages" WHERE "session_id" IN (:...ids) GROUP BY "session_id"`,
        { ids },
      );
      for (const r of rows) counts.set(r.session_id, Number(r.n));
    }
    return counts;
  }

  /** Sessions with something queued, the longest-waiting first (crash recovery resumes them). */
  async sessionsWithQueue(): Promise<string[]> {
    const rows = await selectRows<{ session_id: string }>(
      this.manager,
      `SELECT "session_id" FROM "queued_messages" GROUP BY "session_id" ORDER BY MIN("created_at") ASC, "session_id" ASC`,
    );
    return rows.map((r) => r.session_id);
  }

  private async countWith(m: EntityManager, sessionId: string): Promise<number> {
    const rows = await selectRows<{ n: number | string }>(m, `SELECT COUNT(*) AS "n" FROM "queued_messages" WHERE "session_id" = :sessionId`, {
      sessionId,
    });
    return Number(rows[0]?.n ?? 0);
  }

  private async listWith(m: EntityManager, sessionId: string): Promise<QueuedRecord[]> {
    const rows = await selectRows<QueuedRow>(m, `SELECT ${COLUMNS} FROM "queued_messages" WHERE "session_id" = :sessionId ${ORDER}`, {
      sessionId,
    });
    return rows.map((row, i) => toRecord(row, i + 1));
  }

  // A queue holds at most a few dozen rows, so the position is read off the ordered list.
  private async requireWith(m: EntityManager, sessionId: string, id: string): Promise<QueuedRecord> {
    const found = (await this.listWith(m, sessionId)).find((q) => q.id === id);
    if (!found) throw queuedNotFound(sessionId, id);
    return found;
  }
}
