import type { EntityManager } from 'typeorm';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { SessionConfigEntity } from '../db/session-config.entity';
import { runWrite, selectRows, chunks, isForeignKeyViolation } from '@switchboard/persistence';

/** The key of the per-session model override in `session_config`. */
export const SESSION_MODEL_KEY = 'model';

/** The key of the per-session "send the reasoning too" setting (`/reasoning on`); absent means off. */
export const SESSION_REASONING_KEY = 'show_reasoning';

/** Per-session key/value settings (`model` is the session's model override). */
export class SessionConfigStore {
  constructor(private readonly manager: EntityManager) {}

  /** The value of one key, or null. */
  async get(sessionId: string, key: string): Promise<string | null> {
    const rows = await selectRows<{ value: string }>(
      this.manager,
      `SELECT "value" FROM "session_config" WHERE "session_id" = :sessionId AND "key" = :key`,
      { sessionId, key },
    );
    return rows[0]?.value ?? null;
  }

  /** One key's value for each of these sessions that has it, in one query per 500 ids. */
  async getMany(sessionIds: readonly string[], key: string): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    for (const ids of chunks(sessionIds)) {
      const rows = await selectRows<{ session_id: string; value: string }>(
        this.manager,
        `SELECT "session_id", "value" FROM "session_config" WHERE "key" = :key AND "session_id" IN (:...ids)`,
        { key, ids },
      );
      for (const r of rows) values.set(r.session_id, r.value);
    }
    return values;
  }

  /** Every setting of the session. */
  async getAll(sessionId: string): Promise<Record<string, string>> {
    const rows = await selectRows<{ key: string; value: string }>(
      this.manager,
      `SELECT "key", "value" FROM "session_config" WHERE "session_id" = :sessionId ORDER BY "key"`,
      { sessionId },
    );
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Sets (inserts or replaces) one setting; SESSION_NOT_FOUND if the session is missing. */
  async set(sessionId: string, key: string, value: string): Promise<void> {
    try {
      await runWrite(this.manager, (m) =>
        selectRows(
          m,
          `INSERT INTO "session_config" ("session_id", "key", "value") VALUES (:sessionId, :key, :value)
           ON CONFLICT ("session_id", "key") DO UPDATE SET "value" = excluded."value"`,
          { sessionId, key, value },
        ),
      );
    } catch (err) {
      if (isForeignKeyViolation(err)) {
        throw new SwitchboardError(ErrorCode.SESSION_NOT_FOUND, `Session ${sessionId} does not exist`, { sessionId });
      }
      throw err;
    }
  }

  /** Removes one setting; true if it existed. */
  async delete(sessionId: string, key: string): Promise<boolean> {
    const result = await runWrite(this.manager, (m) =>
      m
        .createQueryBuilder()
        .delete()
        .from(SessionConfigEntity)
        .where('"session_id" = :sessionId AND "key" = :key', { sessionId, key })
        .execute(),
    );
    return Boolean(result.affected);
  }

  /** Removes every setting of the session; returns how many went. */
  async clear(sessionId: string): Promise<number> {
    const result = await runWrite(this.manager, (m) =>
      m.createQueryBuilder().delete().from(SessionConfigEntity).where('"session_id" = :sessionId', { sessionId }).execute(),
    );
    return result.affected ?? 0;
  }
}
