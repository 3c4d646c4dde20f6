import { Module } from '@nestjs/common';
import { ConversationsController } from '../conversations/conversations.controller';
import { RouteBodyLimits } from '../conversations/body-limit';
import { EngineModule } from '../engine/engine.module';
import { SessionsController } from './sessions.controller';

/** Sessions: create, list, read, settings, messages (the engine's session service over HTTP), plus managing, searching, exporting and importing conversations. */
@Module({
  imports: [EngineModule],
  controllers: [SessionsController, ConversationsController],
  providers: [RouteBodyLimits],
})
export class SessionsModule {}
