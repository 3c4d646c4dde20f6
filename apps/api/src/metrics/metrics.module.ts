import { Module } from '@nestjs/common';
import { EventHubModule } from '../engine/event-hub.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Prometheus metrics: turn events from the hub, delegated and stateless usage reported by the engine. */
@Module({
  imports: [EventHubModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
