import { Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { LoadedConfig } from '@switchboard/models';
import { PeopleService, RATE_WINDOW_MS, roleLimitsFrom, utcDayStart } from '@switchboard/people/server';
import type { TransactionRunner } from '@switchboard/persistence';
import { SessionRepository } from '@switchboard/session/server';
import type { ApiEnv } from '../config/api-env';
import type { ClusterBus } from '../cluster/cluster-bus';
import { InternalEvents } from '../core/internal-events';
import { API_ENV, CLOCK, CLUSTER_BUS, LOADED_CONFIG, LOGGER, TRANSACTION_RUNNER } from '../core/tokens';
import { DatabaseModule } from '../database/database.module';
import { PeopleController } from './people.controller';

/**
 * Loads people (and makes sure the owner exists) before any door takes a message; then keeps
 * this replica's copy in step with the others': a change elsewhere arrives on the cluster bus
 * (`cache.invalidate`, scope `people`) and, on a shared database, everyone is re-read now and then.
 */
@Injectable()
class PeopleLifecycle implements OnModuleInit, OnApplicationShutdown {
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly people: PeopleService,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.people.start();
    this.unsubscribe = this.bus.subscribe('cache.invalidate', ({ scope }) => {
      if (scope === 'people') void this.reload();
    });
    if (this.bus.shared || this.env.database.url !== null) {
      this.timer = setInterval(() => void this.reload(), this.env.replica.rescanSeconds * 1000);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  private async reload(): Promise<void> {
    try {
      await this.people.invalidate();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not reload people');
    }
  }
}

/**
 * People: the owner and members with their accounts, roles and limits. The engine asks it who
 * is speaking and whether they may send (its PeoplePort); access approvals create members.
 */
@Module({
  imports: [DatabaseModule],
  controllers: [PeopleController],
  providers: [
    {
      provide: PeopleService,
      inject: [TRANSACTION_RUNNER, SessionRepository, LOADED_CONFIG, CLOCK, InternalEvents, CLUSTER_BUS],
      useFactory: (tx: TransactionRunner, repo: SessionRepository, config: LoadedConfig, clock: () => Date, internal: InternalEvents, bus: ClusterBus) =>
        new PeopleService({
          tx,
          clock,
          roleLimits: roleLimitsFrom(config.people.roles),
          activity: async (personId, now) => {
            const counts = await repo.usage.personActivity(personId, utcDayStart(now).toISOString(), new Date(now.getTime() - RATE_WINDOW_MS).toISOString());
            return { messagesLastMinute: counts.messages, oldestInWindowAt: counts.oldestMessageAt, tokensToday: counts.tokens, costTodayUsd: counts.costUsd };
          },
          // Memory and the conversations' usage follow the person (their features listen).
          onMerged: (from, to) => internal.emit('person.merged', { from, to }),
          // The other replicas read people again (their copies are in memory).
          onChange: (ids) => {
            for (const id of ids) bus.publish('cache.invalidate', { scope: 'people', id });
          },
        }),
    },
    PeopleLifecycle,
  ],
  exports: [PeopleService],
})
export class PeopleModule {}
