import { Module } from '@nestjs/common';
import { EventHub } from './event-hub';

/** The engine's event fan-out, below metrics and the engine so both can use it (metrics watch before the engine starts). */
@Module({
  providers: [{ provide: EventHub, useFactory: () => new EventHub() }],
  exports: [EventHub],
})
export class EventHubModule {}
