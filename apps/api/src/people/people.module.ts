import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { LoadedConfig } from '@switchboard/models';
import { PeopleService, RATE_WINDOW_MS, roleLimitsFrom, utcDayStart } from '@switchboard/people/server';
import type { TransactionRunner } from '@switchboard/persistence';
import { SessionRepository } from '@switchboard/session/server';
import { InternalEvents } from '../core/internal-events';
import { CLOCK, LOADED_CONFIG, TRANSACTION_RUNNER } from '../core/tokens';
import { DatabaseModule } from '../database/database.module';
import { PeopleController } from './people.controller';

/** Loads people (and makes sure the owner exists) before any door takes a message. */
@Injectable()
class PeopleLifecycle implements OnModuleInit {
  constructor(private readonly people: PeopleService) {}

  onModuleInit(): Promise<void> {
    return this.people.start();
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
      inject: [TRANSACTION_RUNNER, SessionRepository, LOADED_CONFIG, CLOCK, InternalEvents],
      useFactory: (tx: TransactionRunner, repo: SessionRepository, config: LoadedConfig, clock: () => Date, internal: InternalEvents) =>
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
        }),
    },
    PeopleLifecycle,
  ],
  exports: [PeopleService],
})
export class PeopleModule {}
