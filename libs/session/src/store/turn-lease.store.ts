import type { EntityManager } from 'typeorm';
import { lockRow, runWrite, selectRows } from '@switchboard/persistence';

/** A running turn's lease: which replica runs it, until when unless renewed. */
export interface TurnLease {
  sessionId: string;
  turnId: string;
  owner: string;
  expiresAt: string;
}

interface LeaseRow {
  session_id: string;
  turn_id: string;
  owner: string;
  expires_at: string;
}

const toLease = (r: LeaseRow): TurnLease => ({ sessionId: r.session_id, turnId: r.turn_id, owner: r.owner, expiresAt: r.expires_at });

/**
 * Turn leases and the session row lock, for replicas sharing a PostgreSQL database. Only used
 * there: with SQLite one process runs every turn and the process's one write lock already
 * serialises a session's claim, queue and release.
 */
export class TurnLeaseStore {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Inside a transaction: holds the session's row until commit, so a replica's claim, enqueue,
   * release and drain of one session never interleave with another replica's (a message queued
   * while a turn ends is always seen by one of them). See `lockRow`. No-op on SQLite.
   */
  async lockSession(sessionId: string): Promise<void> {
    await lockRow(this.manager, 'sessions', sessionId);
  }

  /** Takes (or re-takes) the session's lease for a turn. */
  async take(lease: TurnLease): Promise<void> {
    await runWrite(this.manager, (m) =>
      selectRows(
        m,
        `INSERT INTO "turn_leases" ("session_id", "turn_id", "owner", "expires_at") VALUES (:sessionId, :turnId, :owner, :expiresAt)
         ON CONFLICT ("session_id") DO UPDATE SET "turn_id" = excluded."turn_id", "owner" = excluded."owner", "expires_at" = excluded."expires_at"`,
        { ...lease },
      ),
    );
  }

  /** True while this turn still holds the session's lease (nobody recovered it meanwhile). */
  async holds(sessionId: string, turnId: string): Promise<boolean> {
    const rows = await selectRows<{ n: number }>(this.manager, `SELECT 1 AS "n" FROM "turn_leases" WHERE "session_id" = :sessionId AND "turn_id" = :turnId`, {
      sessionId,
      turnId,
    });
    return rows.length > 0;
  }

  /** Drops the lease of a turn that ended; false when this turn no longer held it (another replica recovered it). */
  async release(sessionId: string, turnId: string): Promise<boolean> {
    const rows = await runWrite(this.manager, (m) =>
      selectRows(m, `DELETE FROM "turn_leases" WHERE "session_id" = :sessionId AND "turn_id" = :turnId RETURNING "turn_id"`, { sessionId, turnId }),
    );
    return rows.length > 0;
  }

  /** Extends every lease the owner holds; returns the sessions it still holds (a recovered turn's is gone). */
  async renew(owner: string, expiresAt: string): Promise<string[]> {
    const rows = await runWrite(this.manager, (m) =>
      selectRows<{ session_id: string }>(m, `UPDATE "turn_leases" SET "expires_at" = :expiresAt WHERE "owner" = :owner RETURNING "session_id"`, { owner, expiresAt }),
    );
    return rows.map((r) => r.session_id);
  }

  /** Leases that lapsed before `now`, plus (when given) every lease of `owner`: a restarted replica's own old turns are dead. */
  async lapsed(now: string, owner?: string): Promise<TurnLease[]> {
    const rows = await selectRows<LeaseRow>(
      this.manager,
      `SELECT "session_id", "turn_id", "owner", "expires_at" FROM "turn_leases" WHERE "expires_at" < :now${owner ? ` OR "owner" = :owner` : ''} ORDER BY "expires_at"`,
      owner ? { now, owner } : { now },
    );
    return rows.map(toLease);
  }

  /** The lease of a session, or null. */
  async get(sessionId: string): Promise<TurnLease | null> {
    const rows = await selectRows<LeaseRow>(this.manager, `SELECT "session_id", "turn_id", "owner", "expires_at" FROM "turn_leases" WHERE "session_id" = :sessionId`, {
      sessionId,
    });
    return rows[0] ? toLease(rows[0]) : null;
  }

  /** Running sessions that hold no lease (left by a release before leases, or a lease lost with its row). */
  async runningWithoutLease(): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(
      this.manager,
      `SELECT s."id" FROM "sessions" s WHERE s."status" = 'running' AND NOT EXISTS (SELECT 1 FROM "turn_leases" l WHERE l."session_id" = s."id") ORDER BY s."id"`,
    );
    return rows.map((r) => r.id);
  }
}
