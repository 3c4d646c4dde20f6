import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { ModelsController } from './models.controller';

/** The model catalog and default model over HTTP. */
@Module({
  imports: [EngineModule],
  controllers: [ModelsController],
})
export class ModelsModule {}
