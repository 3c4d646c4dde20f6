import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { SessionsController } from './sessions.controller';

/** Sessions: create, list, read, settings, messages (the engine's session service over HTTP). */
@Module({
  imports: [EngineModule],
  controllers: [SessionsController],
})
export class SessionsModule {}
