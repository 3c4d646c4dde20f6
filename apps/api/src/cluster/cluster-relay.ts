import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { SessionEngine } from '@switchboard/session/server';
import { CLUSTER_BUS, LOGGER } from '../core/tokens';
import { EventHub } from '../engine/event-hub';
import type { ClusterBus } from './cluster-bus';
import { PostgresClusterBus } from './postgres-cluster-bus';

/**
 * Carries engine events between replicas: what this replica's engine emits goes to the others
 * (in order, batched per tick); what theirs emit reaches this replica's watchers (WebSocket,
 * streaming HTTP, the bot's delivery) and its engine (a queued message's turn ran elsewhere, the
 * global default changed). Also relays stop requests to the replica running a turn.
 */
@Injectable()
export class ClusterRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    private readonly hub: EventHub,
    private readonly engine: SessionEngine,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (!this.bus.shared) return;
    this.hub.relayTo((event, payload) => this.bus.publish('server.events', [{ event, payload }]));
    this.unsubscribe.push(
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
        if (scope === 'settings') this.engine.remoteEvent('settings.updated', { defaultModel: this.engine.models().defaultModel });
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    if (!(this.bus instanceof PostgresClusterBus)) return;
    // The engine's last events (turns it interrupted) still reach the other replicas.
    await this.engine.stop().catch(() => undefined);
    await this.bus.close();
  }
}
