import { OpenAiModelsController } from './openai-models.controller';
import { ChatCompletionsService } from './chat-completions.service';

/** The OpenAI door's parts beside its chat controller (registered in AppModule). */
export const openAiDoor = {
  controllers: [OpenAiModelsController],
  providers: [ChatCompletionsService],
};
