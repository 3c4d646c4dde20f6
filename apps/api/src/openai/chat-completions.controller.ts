import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LIMITS, ROUTES } from '@switchboard/protocol';
import { parseWith } from '../core/zod.pipe';
import { BodyLimit } from '../conversations/body-limit';
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
  // Images and PDFs come inside the JSON as base64 data URLs: room for two messages' worth of files.
  @BodyLimit((config) => LIMITS.maxBodyBytes + 2 * Math.ceil((config.attachments.maxMessageBytes * 4) / 3))
  @HttpCode(200)
  async complete(@Body() rawBody: unknown, @Headers('x-session-key') sessionKey: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const body = parseWith(ROUTES.chatCompletions.body, rawBody);
    const key = sessionKey?.trim();
    if (key) await this.completions.conversation(body, key, reply);
    else await this.completions.stateless(body, reply);
  }
}
