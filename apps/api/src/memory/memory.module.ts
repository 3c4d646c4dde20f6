import { Module } from '@nestjs/common';
import { MemoryService } from '@switchboard/memory/server';
import { DatabaseModule } from '../database/database.module';
import { DelegationModule } from '../engine/delegation.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PeopleModule } from '../people/people.module';
import { MemoriesController } from './memories.controller';
import { MemorySettingsController } from './memory-settings.controller';
import { memoryProviders } from './memory.providers';

/** Long-term memory: its routes, the MemoryService the engine's extensions use, and its start/flush lifecycle. */
@Module({
  imports: [DatabaseModule, DelegationModule, MetricsModule, PeopleModule],
  controllers: [MemoriesController, MemorySettingsController],
  providers: memoryProviders,
  exports: [MemoryService],
})
export class MemoryModule {}
