import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ErrorCode, LIMITS, SwitchboardError, type Message, type ServerEventMap, type ServerEventName } from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { parseWith } from '../core/zod.pipe';
import { EventHub } from '../engine/event-hub';

const contentSchema = z.union([
  z.string(),
  z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()),
  z.null(),
]);

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().trim().min(1).max(LIMITS.maxModelRefChars),
    messages: z
      .array(z.object({ role: z.string(), content: contentSchema.optional() }).loose())
      .min(1)
      .max(1000),
    stream: z.boolean().optional(),
    user: z.string().max(LIMITS.maxPeerIdChars).optional(),
  })
  .loose();

/** Model names that mean "no override: use the session's chain". */
const CHAIN_MODELS = new Set(['switchboard', 'auto']);

function textOf(content: z.infer<typeof contentSchema> | undefined): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

/**
 * OpenAI-compatible door: the session lives server-side (from `X-Session-Key` or `user`),
 * so only the last user message is taken; `model` is an explicit override for the turn.
 */
@Controller('v1')
export class ChatCompletionsController {
  constructor(
    private readonly engine: SessionEngine,
    private readonly hub: EventHub,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  async complete(
    @Body() rawBody: unknown,
    @Headers('x-session-key') sessionKey: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const body = parseWith(chatCompletionRequestSchema, rawBody);
    const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
    const text = textOf(lastUser?.content).trim();
    if (!text) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'messages: a user message with text is required.', { field: 'messages' });
    }
    if (text.length > LIMITS.maxMessageChars) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `messages: the user message is over ${LIMITS.maxMessageChars} characters.`, {
        field: 'messages',
      });
    }
    const model = CHAIN_MODELS.has(body.model.toLowerCase()) ? undefined : body.model;
    const peerId = (sessionKey?.trim() || body.user?.trim() || `ephemeral-${randomUUID()}`).slice(0, LIMITS.maxPeerIdChars);
    const session = await this.engine.createSession({ channel: 'api', peerId });
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      const res = await this.engine.send(session.id, { text, model, wait: true });
      const msg = res.reply;
      reply
        .header('x-session-id', session.id)
        .send(completion(id, created, msg?.modelConfigId ?? res.command?.name ?? 'switchboard', msg?.content ?? '', msg, session.id));
      return;
    }

    // Streaming: validate first (so a bad model is a plain 400), then stream this turn's events.
    if (model) this.engine.resolveFor(null, { explicit: model });
    const raw = reply.raw;
    let targetMessageId: string | null = null;
    let modelName = model ?? 'switchboard';
    let finished = false;
    const write = (obj: unknown) => {
      if (!raw.writableEnded) raw.write(`data: ${JSON.stringify(obj)}\n\n`);
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: modelName,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const end = (msg: Message | null, textIfNone = '') => {
      if (finished) return;
      finished = true;
      unwatch();
      if (!msg && textIfNone) write(chunk({ content: textIfNone }, null));
      write(chunk({}, msg?.status === 'error' ? 'error' : 'stop'));
      write({ id, object: 'chat.completion.chunk', created, model: modelName, choices: [], usage: usageOf(msg) });
      raw.write('data: [DONE]\n\n');
      raw.end();
    };
    const unwatch = this.hub.watch(session.id, <E extends ServerEventName>(event: E, payload: ServerEventMap[E]) => {
      if (event === 'turn.started') {
        const p = payload as ServerEventMap['turn.started'];
        if (p.messageId === targetMessageId) modelName = p.modelConfigId;
      } else if (event === 'message.delta') {
        const p = payload as ServerEventMap['message.delta'];
        if (p.messageId === targetMessageId) write(chunk({ content: p.delta }, null));
      } else if (event === 'message.completed') {
        const p = payload as ServerEventMap['message.completed'];
        if (p.message.id === targetMessageId) end(p.message);
      }
    });
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-session-id': session.id,
    });
    write(chunk({ role: 'assistant', content: '' }, null));
    try {
      const res = await this.engine.send(
        session.id,
        { text, model },
        {
          onTurnStarted: (_turnId: string, messageId: string) => {
            targetMessageId = messageId;
          },
        },
      );
      // A command answers at once, with no turn (unless it carried a message, like `/model x hi`).
      if (res.command && !res.turnId && !res.queued) end(null, res.reply?.content ?? '');
    } catch (err) {
      const e = err instanceof SwitchboardError ? err : new SwitchboardError(ErrorCode.INTERNAL, 'Internal error.');
      write({ error: { message: e.message, type: 'invalid_request_error', code: e.code.toLowerCase() } });
      finished = true;
      unwatch();
      raw.end();
    }
  }
}

function usageOf(msg: Message | null | undefined) {
  const u = msg?.usage;
  return {
    prompt_tokens: u?.inputTokens ?? 0,
    completion_tokens: u?.outputTokens ?? 0,
    total_tokens: (u?.inputTokens ?? 0) + (u?.outputTokens ?? 0),
    prompt_tokens_details: { cached_tokens: u?.cachedTokens ?? 0 },
  };
}

function completion(id: string, created: number, model: string, content: string, msg: Message | null | undefined, sessionId: string) {
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: msg?.status === 'error' ? 'error' : 'stop',
        logprobs: null,
      },
    ],
    usage: usageOf(msg),
    switchboard: { sessionId, modelSource: msg?.modelSource ?? null, warnings: msg?.warnings ?? [] },
  };
}
