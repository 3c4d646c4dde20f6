import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import type {
  AccessCheckRequest,
  AccessCheckResponse,
  AddApprovedUserRequest,
  ApprovedUser,
  Channel,
  PairingRequest,
} from '@switchboard/protocol';
import { AccessStore, DEFAULT_MAX_PENDING_PAIRINGS, DEFAULT_PAIRING_TTL_MS, PeopleService } from '@switchboard/people/server';
import type { ApiEnv } from '../config/api-env';
import { API_ENV, LOGGER } from '../core/tokens';

// Tunables that only operators touch; read from the raw environment once, validated here.
const accessEnvSchema = z.object({
  SWITCHBOARD_PAIRING_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).optional(),
  SWITCHBOARD_PAIRING_MAX_PENDING: z.coerce.number().int().min(1).max(10_000).optional(),
});

/**
 * Who may talk through a door. Doors check their own allowlists; the API owns pairing state:
 * an unknown user gets a short one-time code that an admin approves (CLI, dashboard, API).
 */
@Injectable()
export class AccessService {
  private readonly ttlMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly store: AccessStore,
    @Inject(API_ENV) env: ApiEnv,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly people: PeopleService,
  ) {
    const raw = Object.fromEntries(Object.entries(env.raw).filter(([, v]) => v !== undefined && v !== ''));
    const parsed = accessEnvSchema.safeParse(raw);
    const tunables = parsed.success ? parsed.data : {};
    if (!parsed.success) logger.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'invalid pairing settings ignored');
    this.ttlMs = (tunables.SWITCHBOARD_PAIRING_TTL_SECONDS ?? DEFAULT_PAIRING_TTL_MS / 1000) * 1000;
    this.maxPending = tunables.SWITCHBOARD_PAIRING_MAX_PENDING ?? DEFAULT_MAX_PENDING_PAIRINGS;
  }

  async check(channel: Channel, req: AccessCheckRequest): Promise<AccessCheckResponse> {
    const user = await this.store.findUser(channel, req.userId);
    if (user) return { allowed: true, user };
    if (req.pair === false) return { allowed: false };
    const pairing = await this.store.requestPairing({
      channel,
      userId: req.userId,
      username: req.username ?? null,
      displayName: req.displayName ?? null,
      ttlMs: this.ttlMs,
      maxPending: this.maxPending,
    });
    if (!pairing) {
      this.logger.warn({ channel, maxPending: this.maxPending }, 'too many pending pairings: request refused');
      return { allowed: false };
    }
    // The code itself stays out of the logs: whoever reads it could get it approved.
    if (pairing.created) this.logger.info({ channel, userId: req.userId, expiresAt: pairing.expiresAt }, 'pairing requested');
    return { allowed: false, pairing };
  }

  pending(channel: Channel): Promise<PairingRequest[]> {
    return this.store.listPending(channel);
  }

  async approve(channel: Channel, code: string): Promise<ApprovedUser> {
    const user = await this.store.approvePairing(channel, code);
    await this.becomePerson(user);
    this.logger.info({ channel, userId: user.userId }, 'pairing approved');
    return user;
  }

  users(channel: Channel): Promise<ApprovedUser[]> {
    return this.store.listUsers(channel);
  }

  async add(channel: Channel, req: AddApprovedUserRequest): Promise<ApprovedUser> {
    const user = await this.store.addUser({ channel, userId: req.userId, username: req.username, displayName: req.displayName, via: 'admin' });
    await this.becomePerson(user);
    this.logger.info({ channel, userId: user.userId }, 'user approved by an admin');
    return user;
  }

  /** An approved user is a person from now on (a member named after their account, unless it is someone's already). */
  private async becomePerson(user: ApprovedUser): Promise<void> {
    await this.people.personForAccount(user.channel, user.userId, user.displayName ?? (user.username ? `@${user.username}` : null));
  }

  async revoke(channel: Channel, userId: string): Promise<boolean> {
    const revoked = await this.store.revokeUser(channel, userId);
    if (revoked) this.logger.info({ channel, userId }, 'access revoked');
    return revoked;
  }
}
