import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { JobStore } from '@switchboard/jobs/server';
import { DATA_SOURCE } from '../core/tokens';
import { EngineModule } from '../engine/engine.module';
import { JobScheduler } from './job-scheduler';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

/** Scheduled jobs. The scheduler starts on application bootstrap (after every module's init, the engine's included) and stops before the engine. */
@Module({
  imports: [EngineModule],
  controllers: [JobsController],
  providers: [
    // Stores are providers over the one DataSource (their writes go through its one transaction runner).
    { provide: JobStore, inject: [DATA_SOURCE], useFactory: (ds: DataSource) => new JobStore(ds.manager) },
    JobScheduler,
    JobsService,
  ],
})
export class JobsModule {}
