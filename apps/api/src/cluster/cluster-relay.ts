import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { SessionEngine } from '@switchboard/session/server';
import { CLUSTER_BUS, LOGGER } from '../core/tokens';
import { EventHub } from '../engine/event-hub';
import type { ClusterBus } from './cluster-bus';
import { PostgresClusterBus } from './postgres-cluster-bus';
import { RemoteInterest } from './remote-interest';
import { sessionIdOf } from '../engine/event-hub';

// A replica says what its watchers want at least this often; one silent for three times as long is gone.
const HEARTBEAT_MS = 5_000;
// Interest changes in a burst (a dashboard opening many sessions) go out as one message.
const INTEREST_DEBOUNCE_MS = 20;
// Past this many watched sessions a replica says "all" (smaller message; the others relay a bit more).
const MAX_INTEREST_SESSIONS = 2_000;

/**
 * Carries engine events between replicas: what this replica's engine emits goes to the others
 * (in order, batched per tick); what theirs emit reaches this replica's watchers (WebSocket,
 * streaming HTTP, the bot's delivery) and its engine (a queued message's turn ran elsewhere, the
 * global default changed). Also relays stop requests to the replica running a turn.
 */
@Injectable()
export class ClusterRelay implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly unsubscribe: Array<() => void> = [];
  private readonly remote = new RemoteInterest(HEARTBEAT_MS * 3);
  private heartbeat: NodeJS.Timeout | null = null;
  private interestTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    private readonly hub: EventHub,
    private readonly engine: SessionEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (!this.bus.shared) return;
    // Only what some other replica wants crosses (its watchers' sessions, what its engine needs,
    // a deletion); alone on the database, nothing is built for nobody.
    this.hub.relayTo(
      (event, payload) => {
        const deleted = event === 'session.updated' && (payload as { kind?: string }).kind === 'deleted';
        if (deleted || this.remote.wants(sessionIdOf(event, payload), event)) this.bus.publish('server.events', [{ event, payload }]);
      },
      (sessionId, event) => this.remote.wants(sessionId, event),
    );
    this.unsubscribe.push(
      this.hub.onInterestChange(() => this.interestChanged()),
      this.bus.subscribe('cluster.interest', (interest, from) => {
        // A replica that just started does not know this one yet: answer at once, not at the next heartbeat.
        if (this.remote.set(from, interest)) this.interestChanged();
      }),
      this.bus.subscribe('server.events', (events) => {
        for (const { event, payload } of events) {
          this.hub.deliver(event, payload);
          this.engine.remoteEvent(event, payload);
        }
      }),
      this.bus.subscribe('turn.stop', ({ sessionId }) => {
        void this.engine.stopLocalTurn(sessionId).catch((err: unknown) => this.logger.warn({ sessionId, err: (err as Error).message }, 'could not stop a turn for another replica'));
      }),
      this.bus.subscribe('cache.invalidate', ({ scope }) => {
        if (scope === 'settings') void this.engine.reloadSettings().catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'could not reload settings'));
      }),
    );
  }

  // Says what this replica's watchers want: now (debounced), and as a heartbeat so the others know it is alive.
  private interestChanged(): void {
    if (this.interestTimer) return;
    this.interestTimer = setTimeout(() => {
      this.interestTimer = null;
      this.publishInterest();
    }, INTEREST_DEBOUNCE_MS);
    this.interestTimer.unref();
  }

  private publishInterest(): void {
    const { all, sessions } = this.hub.localInterest();
    const tooMany = sessions.length > MAX_INTEREST_SESSIONS;
    this.bus.publish('cluster.interest', { all: all || tooMany, sessions: tooMany ? [] : sessions });
  }

  onApplicationBootstrap(): void {
    if (!this.bus.shared) return;
    this.publishInterest();
    this.heartbeat = setInterval(() => this.publishInterest(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.interestTimer) clearTimeout(this.interestTimer);
    for (const off of this.unsubscribe.splice(0)) off();
    if (!(this.bus instanceof PostgresClusterBus)) return;
    // The engine's last events (turns it interrupted) still reach the other replicas.
    await this.engine.stop().catch(() => undefined);
    await this.bus.close();
  }
}
