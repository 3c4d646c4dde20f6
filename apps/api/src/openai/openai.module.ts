import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { PeopleModule } from '../people/people.module';
import { ChatCompletionsController } from './chat-completions.controller';
import { ChatCompletionsService } from './chat-completions.service';
import { OpenAiModelsController } from './openai-models.controller';

/** The OpenAI-compatible door: chat completions (stateless or a conversation) and the model list. */
@Module({
  imports: [EngineModule, PeopleModule],
  controllers: [ChatCompletionsController, OpenAiModelsController],
  providers: [ChatCompletionsService],
})
export class OpenAiModule {}
