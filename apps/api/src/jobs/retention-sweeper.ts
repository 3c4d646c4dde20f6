import type { Logger } from 'pino';
import type { Channel } from '@switchboard/protocol';
import type { RetentionConfig } from '@switchboard/models';
import type { SessionEngine, SessionRepository } from '@switchboard/session/server';

/** Peer ids the OpenAI door gave calls without a session key (before it had a stateless mode). */
export const EPHEMERAL_PEER_PREFIX = 'ephemeral-';
const USER_CHANNELS: readonly Channel[] = ['web', 'telegram', 'api', 'job'];
const DAY_MS = 24 * 3600 * 1000;
/** Deletes per sweep, so one sweep never holds the database for long; the next sweep goes on. */
const MAX_PER_SWEEP = 500;

/**
 * Deletes conversations idle for longer than the retention settings allow, through the engine's
 * one delete (hooks, events and the erase of their traces included). Machine-made ones (a
 * scheduled job's own conversation, a per-call OpenAI-door one) go after `machineDays`; the
 * rest only when `conversationDays` is set. Unsent uploads go after `attachments.unsentTtlMinutes`.
 */
export class RetentionSweeper {
  constructor(
    private readonly settings: RetentionConfig,
    private readonly repo: SessionRepository,
    private readonly engine: SessionEngine,
    private readonly logger: Logger,
  ) {}

  /** The ids a sweep at `now` deletes, oldest first. */
  async due(now = new Date()): Promise<string[]> {
    const ids = new Set<string>();
    const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const { machineDays, conversationDays } = this.settings;
    if (conversationDays !== null) {
      for (const id of await this.repo.sessions.staleIds(before(conversationDays), { channels: USER_CHANNELS, limit: MAX_PER_SWEEP })) ids.add(id);
    }
    if (machineDays !== null) {
      for (const id of await this.repo.sessions.staleIds(before(machineDays), { channels: ['job'], limit: MAX_PER_SWEEP })) ids.add(id);
      for (const id of await this.repo.sessions.staleIds(before(machineDays), { channels: ['api'], peerPrefix: EPHEMERAL_PEER_PREFIX, limit: MAX_PER_SWEEP })) ids.add(id);
    }
    return [...ids].slice(0, MAX_PER_SWEEP);
  }

  /**
   * One sweep; returns how many conversations it deleted. Uploads no message sent within
   * `attachments.unsentTtlMinutes` go too (they are not counted here: they are not conversations).
   */
  async sweep(now = new Date()): Promise<number> {
    await this.engine.attachments.sweepUnsent(now).catch((err: Error) => this.logger.warn({ err: err.message }, 'sweeping unsent attachments failed'));
    let deleted = 0;
    for (const id of await this.due(now)) {
      try {
        await this.engine.deleteSession(id);
        deleted++;
      } catch (err) {
        // Gone meanwhile, or running again: the next sweep looks again.
        this.logger.debug({ sessionId: id, err: (err as Error).message }, 'retention skipped a conversation');
      }
    }
    if (deleted) this.logger.info({ deleted }, 'retention deleted idle conversations');
    return deleted;
  }
}
