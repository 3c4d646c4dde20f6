import type { Message } from '@switchboard/protocol';
import type { EngineEventSink, EngineLogger, ReplicaPort } from '../engine/engine.types';
import { errorText } from '../engine/error-text';
import type { SessionEvents } from '../sessions/session-events';
import type { SessionRepository } from '../store/session-repository';
import type { TurnLease } from '../store/turn-lease.store';
import type { RunningTurn } from './running-turn';

export interface TurnLeaseKeeperDeps {
  repo: SessionRepository;
  replica: ReplicaPort;
  views: SessionEvents;
  events: EngineEventSink;
  log: EngineLogger;
  running: Map<string, RunningTurn>;
  /** Moves a recovered session's queue on. */
  drain(sessionId: string): void;
  now?: () => number;
}

/**
 * With several replicas: renews the leases of this replica's running turns, and recovers turns
 * whose replica died (its lease lapsed): the partial reply is kept and marked interrupted, the
 * history says so, and the session's queue moves on. A turn this replica lost its lease on
 * (recovered by another while this one was unreachable) is stopped here without writing.
 */
export class TurnLeaseKeeper {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly deps: TurnLeaseKeeperDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The lease a turn starting now takes. */
  leaseFor(sessionId: string, turnId: string): TurnLease {
    return { sessionId, turnId, owner: this.deps.replica.id, expiresAt: new Date(this.now() + this.deps.replica.leaseMs).toISOString() };
  }

  /**
   * At start: this replica's own old leases (a restart with the same id) and lapsed ones are
   * recovered, and so are running sessions without a lease (written before leases existed).
   * Live replicas' turns are left alone. Then renews and sweeps every third of the lease.
   */
  async start(): Promise<number> {
    const { repo } = this.deps;
    const leases = await repo.leases.lapsed(new Date(this.now()).toISOString(), this.deps.replica.id);
    let recovered = 0;
    for (const lease of leases) if (await this.recover(lease, 'restart')) recovered++;
    for (const sessionId of await repo.leases.runningWithoutLease()) if (await this.recover({ sessionId, turnId: null }, 'restart')) recovered++;
    const every = Math.max(250, Math.floor(this.deps.replica.leaseMs / 3));
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .catch((err) => this.deps.log.error({ err: errorText(err) }, 'turn lease upkeep failed'))
        .finally(() => (this.ticking = null));
    }, every);
    this.timer.unref();
    return recovered;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** One upkeep round: renew ours, stop turns we lost, recover others' lapsed ones. */
  async tick(): Promise<void> {
    const { repo, running, log } = this.deps;
    const expiresAt = new Date(this.now() + this.deps.replica.leaseMs).toISOString();
    if (running.size > 0) {
      // Only turns that were running before the renewal: a turn claimed while it ran took its
      // lease after the renewal's snapshot, so it is missing from `held` without being lost.
      const before = [...running.values()];
      const held = new Set(await repo.leases.renew(this.deps.replica.id, expiresAt));
      for (const turn of before) {
        if (held.has(turn.sessionId) || running.get(turn.sessionId) !== turn) continue;
        // Recovered by another replica while we could not renew: its outcome is already written.
        log.warn({ sessionId: turn.sessionId, turnId: turn.turnId }, 'turn lease lost to another replica: stopping the turn here');
        turn.abort.abort();
      }
    }
    for (const lease of await repo.leases.lapsed(new Date(this.now()).toISOString())) {
      if (lease.owner === this.deps.replica.id && running.has(lease.sessionId)) continue;
      await this.recover(lease, 'replica_lost');
    }
  }

  /**
   * Marks one session's lost turn interrupted, if it is still lost when its row is locked (the
   * owner may have renewed or finished meanwhile, or another replica recovered it first).
   */
  async recover(lease: Pick<TurnLease, 'sessionId'> & { turnId: string | null }, reason: 'restart' | 'replica_lost'): Promise<boolean> {
    const { repo, views, events, log } = this.deps;
    const now = new Date(this.now()).toISOString();
    const outcome = await repo.transaction(async (tx) => {
      await tx.leases.lockSession(lease.sessionId);
      const current = await tx.leases.get(lease.sessionId);
      if (lease.turnId === null) {
        if (current) return null;
      } else if (!current || current.turnId !== lease.turnId || (current.expiresAt >= now && current.owner !== this.deps.replica.id)) {
        return null;
      }
      const session = await tx.sessions.get(lease.sessionId);
      if (!session || session.status !== 'running') {
        if (current) await tx.leases.release(lease.sessionId, current.turnId);
        return null;
      }
      const interrupted: Message[] = await tx.messages.markStreamingInterrupted(lease.sessionId);
      if (current) await tx.leases.release(lease.sessionId, current.turnId);
      const released = await tx.sessions.release(lease.sessionId, 'interrupted');
      const note = await tx.messages.append({
        sessionId: lease.sessionId,
        role: 'system',
        kind: 'turn_interrupted',
        content:
          reason === 'restart'
            ? 'The previous reply was interrupted by a restart; its partial text is kept.'
            : 'The previous reply was interrupted: the server running it stopped answering. Its partial text is kept.',
        event: { reason },
      });
      return { interrupted, released, note };
    });
    if (!outcome) return false;
    log.warn({ sessionId: lease.sessionId, turnId: lease.turnId, reason, messages: outcome.interrupted.length }, 'recovered an interrupted turn');
    for (const message of outcome.interrupted) {
      events.emit('message.completed', { sessionId: lease.sessionId, turnId: message.turnId ?? lease.turnId ?? '', message });
    }
    events.emit('message.created', { sessionId: lease.sessionId, message: outcome.note });
    views.emitSessionLazy('status_change', outcome.released);
    this.deps.drain(lease.sessionId);
    return true;
  }
}
