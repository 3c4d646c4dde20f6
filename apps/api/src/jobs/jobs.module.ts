import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { JobScheduler } from './job-scheduler';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

/** Scheduled jobs. The scheduler starts on application bootstrap (after every module's init, the engine's included) and stops before the engine. */
@Module({
  imports: [EngineModule],
  controllers: [JobsController],
  providers: [JobScheduler, JobsService],
})
export class JobsModule {}
