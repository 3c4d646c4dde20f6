import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ROUTES } from '@switchboard/protocol';
import { parseWith } from '../core/zod.pipe';
import { ChatCompletionsService } from './chat-completions.service';

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
    const body = parseWith(ROUTES.chatCompletions.body, rawBody);
    const key = sessionKey?.trim();
    if (key) await this.completions.conversation(body, key, reply);
    else await this.completions.stateless(body, reply);
  }
}
