import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { DelegationModule } from '../engine/delegation.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

/** Liveness and readiness, no auth. */
@Module({
  imports: [DatabaseModule, DelegationModule],
  controllers: [HealthController],
  providers: [ReadinessService],
})
export class HealthModule {}
