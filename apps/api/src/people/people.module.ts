import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { LoadedConfig } from '@switchboard/models';
import { PeopleService, RATE_WINDOW_MS, roleLimitsFrom, utcDayStart } from '@switchboard/people/server';
import type { TransactionRunner } from '@switchboard/persistence';
import { SessionRepository } from '@switchboard/session/server';
import { MemoryService } from '@switchboard/memory/server';
import { CLOCK, LOADED_CONFIG, LOGGER, TRANSACTION_RUNNER } from '../core/tokens';
import { DatabaseModule } from '../database/database.module';
import { MemoryModule } from '../memory/memory.module';
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
  imports: [DatabaseModule, MemoryModule],
  controllers: [PeopleController],
  providers: [
    {
      provide: PeopleService,
      inject: [TRANSACTION_RUNNER, SessionRepository, MemoryService, LOADED_CONFIG, LOGGER, CLOCK],
      useFactory: (tx: TransactionRunner, repo: SessionRepository, memory: MemoryService, config: LoadedConfig, logger: Logger, clock: () => Date) =>
        new PeopleService({
          tx,
          clock,
          roleLimits: roleLimitsFrom(config.people.roles),
          activity: async (personId, now) => {
            const counts = await repo.usage.personActivity(personId, utcDayStart(now).toISOString(), new Date(now.getTime() - RATE_WINDOW_MS).toISOString());
            return { messagesLastMinute: counts.messages, oldestInWindowAt: counts.oldestMessageAt, tokensToday: counts.tokens, costTodayUsd: counts.costUsd };
          },
          onMerged: async (from, to) => {
            const moved = await memory.reassignPerson(from, to);
            await repo.usage.reassignPerson(from, to);
            logger.info({ from, to, memories: moved }, 'accounts merged: one person’s memories and usage moved to another');
          },
        }),
    },
    PeopleLifecycle,
  ],
  exports: [PeopleService],
})
export class PeopleModule {}
