import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** Liveness, no auth. */
@Module({
  controllers: [HealthController],
})
export class HealthModule {}
