import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { UsageController } from './usage.controller';

/** Usage across every conversation. */
@Module({
  imports: [EngineModule],
  controllers: [UsageController],
})
export class UsageModule {}
