import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { parseWith } from '../core/zod.pipe';
import { chatCompletionRequestSchema } from './chat-completions.schema';
import { ChatCompletionsService } from './chat-completions.service';

export { chatCompletionRequestSchema } from './chat-completions.schema';

/**
 * OpenAI-compatible door: with `X-Session-Key` the conversation lives server-side (conversation
 * mode); without it the request's messages are the conversation and nothing but usage is stored
 * (stateless mode). `model` is an explicit override; `switchboard` (or `auto`) means the chain.
 */
@Controller('v1')
export class ChatCompletionsController {
  constructor(private readonly completions: ChatCompletionsService) {}

  @Post('chat/completions')
  @HttpCode(200)
  async complete(@Body() rawBody: unknown, @Headers('x-session-key') sessionKey: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const body = parseWith(chatCompletionRequestSchema, rawBody);
    const key = sessionKey?.trim();
    if (key) await this.completions.conversation(body, key, reply);
    else await this.completions.stateless(body, reply);
  }
}
