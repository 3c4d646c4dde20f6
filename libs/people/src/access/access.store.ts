import { randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  ErrorCode,
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  SwitchboardError,
  normalisePairingCode,
  type ApprovedUser,
  type Channel,
  type PairingRequest,
} from '@switchboard/protocol';
import { inTransaction, runWrite, selectRows, newId } from '@switchboard/persistence';
import { AccessPairingEntity } from './access-pairing.entity';
import { AccessUserEntity } from './access-user.entity';

/** How long a pairing code stays valid unless the caller says otherwise. */
export const DEFAULT_PAIRING_TTL_MS = 60 * 60 * 1000;
/** Unexpired pending pairings allowed per channel: strangers cannot fill the table. */
export const DEFAULT_MAX_PENDING_PAIRINGS = 50;

export interface RequestPairingInput {
  channel: Channel;
  userId: string;
  username?: string | null;
  displayName?: string | null;
  ttlMs?: number;
  maxPending?: number;
}

/** A pending code for the user: `created` is false when an unexpired one is handed out again. */
export interface PairingOutcome {
  code: string;
  expiresAt: string;
  created: boolean;
}

export interface AddUserInput {
  channel: Channel;
  userId: string;
  username?: string | null;
  displayName?: string | null;
  via: ApprovedUser['via'];
}

interface UserRow {
  channel: Channel;
  user_id: string;
  username: string | null;
  display_name: string | null;
  via: ApprovedUser['via'];
  approved_at: string;
}

interface PairingRow {
  id: string;
  channel: Channel;
  user_id: string;
  code: string;
  username: string | null;
  display_name: string | null;
  status: 'pending' | 'approved';
  created_at: string;
  expires_at: string;
}

const USER_COLUMNS = `"channel", "user_id", "username", "display_name", "via", "approved_at"`;
const PAIRING_COLUMNS = `"id", "channel", "user_id", "code", "username", "display_name", "status", "created_at", "expires_at"`;

function toUser(row: UserRow): ApprovedUser {
  return {
    channel: row.channel,
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    via: row.via,
    approvedAt: row.approved_at,
  };
}

function toPairing(row: PairingRow): PairingRequest {
  return {
    channel: row.channel,
    code: row.code,
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** A fresh one-time code from the unambiguous alphabet (crypto-random). */
export function generatePairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)];
  return code;
}

/**
 * Who may talk to the assistant through a door: pairing requests (short one-time codes that
 * expire) and the users an admin let in. Allowlists live in each door's own configuration.
 */
export class AccessStore {
  constructor(private readonly manager: EntityManager) {}

  /** The approval of a user on a channel, or null. */
  async findUser(channel: Channel, userId: string): Promise<ApprovedUser | null> {
    const rows = await selectRows<UserRow>(
      this.manager,
      `SELECT ${USER_COLUMNS} FROM "access_users" WHERE "channel" = :channel AND "user_id" = :userId`,
      { channel, userId },
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Every approved user of a channel, most recent first. */
  async listUsers(channel: Channel): Promise<ApprovedUser[]> {
    const rows = await selectRows<UserRow>(
      this.manager,
      `SELECT ${USER_COLUMNS} FROM "access_users" WHERE "channel" = :channel ORDER BY "approved_at" DESC, "user_id" ASC`,
      { channel },
    );
    return rows.map(toUser);
  }

  /** Lets a user in (or refreshes their names); returns the approval. */
  async addUser(input: AddUserInput, now: Date = new Date()): Promise<ApprovedUser> {
    const approvedAt = now.toISOString();
    await runWrite(this.manager, (m) =>
      m
        .createQueryBuilder()
        .insert()
        .into(AccessUserEntity)
        .values({
          channel: input.channel,
          userId: input.userId,
          username: input.username ?? null,
          displayName: input.displayName ?? null,
          via: input.via,
          approvedAt,
        })
        .orUpdate(['username', 'display_name', 'via', 'approved_at'], ['channel', 'user_id'])
        .execute(),
    );
    return { channel: input.channel, userId: input.userId, username: input.username ?? null, displayName: input.displayName ?? null, via: input.via, approvedAt };
  }

  /** Removes a user's approval; true if they had one. Their next message starts a new pairing. */
  async revokeUser(channel: Channel, userId: string): Promise<boolean> {
    const result = await runWrite(this.manager, (m) =>
      m
        .createQueryBuilder()
        .delete()
        .from(AccessUserEntity)
        .where('"channel" = :channel AND "user_id" = :userId', { channel, userId })
        .execute(),
    );
    return Boolean(result.affected);
  }

  /**
   * The user's pending code: the unexpired one if there is one, else a new one. Null when the
   * channel already has `maxPending` unexpired requests from other users (nothing is stored).
   */
  async requestPairing(input: RequestPairingInput, now: Date = new Date()): Promise<PairingOutcome | null> {
    const ttlMs = input.ttlMs ?? DEFAULT_PAIRING_TTL_MS;
    const maxPending = input.maxPending ?? DEFAULT_MAX_PENDING_PAIRINGS;
    const nowIso = now.toISOString();
    return inTransaction(this.manager, async (m) => {
      // Replicas sharing a PostgreSQL database take turns per channel (a lock held until commit):
      // one user's two messages on two replicas get one code, and the pending cap holds.
      if (m.connection.driver.options.type === 'postgres') await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`access-pairing:${input.channel}`]);
      const [existing] = await selectRows<PairingRow>(
        m,
        `SELECT ${PAIRING_COLUMNS} FROM "access_pairings" WHERE "channel" = :channel AND "user_id" = :userId`,
        { channel: input.channel, userId: input.userId },
      );
      if (existing && existing.status === 'pending' && existing.expires_at > nowIso) {
        return { code: existing.code, expiresAt: existing.expires_at, created: false };
      }
      const [{ n }] = await selectRows<{ n: number | string }>(
        m,
        `SELECT COUNT(*) AS "n" FROM "access_pairings" WHERE "channel" = :channel AND "status" = 'pending' AND "expires_at" > :now`,
        { channel: input.channel, now: nowIso },
      );
      if (Number(n) >= maxPending) return null;
      const code = await this.unusedCode(m, input.channel);
      const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
      const values = {
        code,
        username: input.username ?? null,
        displayName: input.displayName ?? null,
        status: 'pending' as const,
        createdAt: nowIso,
        expiresAt,
        resolvedAt: null,
      };
      if (existing) {
        await m.createQueryBuilder().update(AccessPairingEntity).set(values).where('"id" = :id', { id: existing.id }).execute();
      } else {
        await m
          .createQueryBuilder()
          .insert()
          .into(AccessPairingEntity)
          .values({ id: newId(), channel: input.channel, userId: input.userId, ...values })
          .execute();
      }
      return { code, expiresAt, created: true };
    });
  }

  /** Unexpired pending requests of a channel, oldest first. */
  async listPending(channel: Channel, now: Date = new Date()): Promise<PairingRequest[]> {
    const rows = await selectRows<PairingRow>(
      this.manager,
      `SELECT ${PAIRING_COLUMNS} FROM "access_pairings"
        WHERE "channel" = :channel AND "status" = 'pending' AND "expires_at" > :now
        ORDER BY "created_at" ASC, "id" ASC`,
      { channel, now: now.toISOString() },
    );
    return rows.map(toPairing);
  }

  /** Spends a pending code and lets its user in; PAIRING_NOT_FOUND when unknown, spent or expired. */
  async approvePairing(channel: Channel, code: string, now: Date = new Date()): Promise<ApprovedUser> {
    const normalised = normalisePairingCode(code);
    const nowIso = now.toISOString();
    return inTransaction(this.manager, async (m) => {
      const [row] = await selectRows<PairingRow>(
        m,
        `SELECT ${PAIRING_COLUMNS} FROM "access_pairings"
          WHERE "channel" = :channel AND "code" = :code AND "status" = 'pending' AND "expires_at" > :now`,
        { channel, code: normalised, now: nowIso },
      );
      const notFound = () =>
        new SwitchboardError(ErrorCode.PAIRING_NOT_FOUND, `No pending pairing with code ${normalised || '(empty)'} on ${channel}: it is unknown, already used or expired.`, {
          channel,
          code: normalised,
        });
      if (!row) throw notFound();
      // Only while still pending: of two approvals at once (two replicas), one spends the code.
      const spent = await m
        .createQueryBuilder()
        .update(AccessPairingEntity)
        .set({ status: 'approved', resolvedAt: nowIso })
        .where(`"id" = :id AND "status" = 'pending'`, { id: row.id })
        .execute();
      if (!spent.affected) throw notFound();
      return new AccessStore(m).addUser({ channel, userId: row.user_id, username: row.username, displayName: row.display_name, via: 'pairing' }, now);
    });
  }

  private async unusedCode(m: EntityManager, channel: Channel): Promise<string> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const code = generatePairingCode();
      const taken = await selectRows(m, `SELECT 1 AS "x" FROM "access_pairings" WHERE "channel" = :channel AND "code" = :code`, { channel, code });
      if (taken.length === 0) return code;
    }
    throw new SwitchboardError(ErrorCode.INTERNAL, 'Could not find an unused pairing code.');
  }
}
