import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { ModelsController } from './models.controller';
import { ProvidersController } from './providers.controller';

/** The model catalog and default model over HTTP; provider status and the configured instructions (read-only). */
@Module({
  imports: [EngineModule],
  controllers: [ModelsController, ProvidersController],
})
export class ModelsModule {}
