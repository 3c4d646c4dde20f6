import type { FastifyReply } from 'fastify';
import type { ChatToolCall } from '@switchboard/models';
import type { SwitchboardError } from '@switchboard/protocol';
import { openAiErrorBody } from '../core/api-exception.filter';

/** The finish reasons OpenAI clients know; nothing else is ever sent. */
export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Maps the AI SDK's unified finish reason (or a stored message's end) to OpenAI's set. */
export function finishReasonOf(unified: string | null | undefined, hasToolCalls = false): OpenAiFinishReason {
  if (hasToolCalls) return 'tool_calls';
  if (unified === 'length') return 'length';
  if (unified === 'content-filter') return 'content_filter';
  return 'stop';
}

export interface WireUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

export function usageOf(u: WireUsage | null | undefined) {
  return {
    prompt_tokens: u?.inputTokens ?? 0,
    completion_tokens: u?.outputTokens ?? 0,
    total_tokens: (u?.inputTokens ?? 0) + (u?.outputTokens ?? 0),
    prompt_tokens_details: { cached_tokens: u?.cachedTokens ?? 0 },
  };
}

export function wireToolCalls(calls: ChatToolCall[]) {
  return calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

/** A non-streamed `chat.completion` object. */
export function completionBody(
  meta: CompletionMeta,
  answer: { text: string; toolCalls?: ChatToolCall[]; finish: OpenAiFinishReason; usage: WireUsage | null },
  extra: Record<string, unknown> = {},
) {
  const toolCalls = answer.toolCalls?.length ? wireToolCalls(answer.toolCalls) : undefined;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: toolCalls && !answer.text ? null : answer.text, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: answer.finish,
      },
    ],
    usage: usageOf(answer.usage),
    ...extra,
  };
}

/**
 * An OpenAI-style SSE response written lazily: nothing is sent until the first chunk, so an
 * error before it is still a plain HTTP error. Every chunk names the same model; the usage
 * chunk (`choices: []`) only when the client asked for it; an error mid-stream is a
 * `data: {"error": ...}` event (what OpenAI SDKs raise), and the stream ends without [DONE].
 */
export class CompletionStream {
  private opened = false;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly reply: FastifyReply,
    private readonly meta: CompletionMeta,
    private readonly options: { includeUsage: boolean; headers?: Record<string, string> },
  ) {
    // The client went away (or we finished): either way nobody reads any more.
    reply.raw.on('close', () => {
      const gone = !this.closed;
      this.closed = true;
      if (gone) for (const l of this.closeListeners.splice(0)) l();
    });
  }

  /** True once the first byte went out: errors from now on are error events. */
  get started(): boolean {
    return this.opened;
  }

  /** True when the client disconnected or the stream ended. */
  get ended(): boolean {
    return this.closed;
  }

  /** Called once if the client disconnects before the end. */
  onClientGone(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** The model the chunks name; only before the first byte (it never changes within a stream). */
  setModel(model: string): void {
    if (!this.opened) this.meta.model = model;
  }

  delta(text: string): void {
    if (!text) return;
    this.chunk({ content: text }, null);
  }

  toolCalls(calls: ChatToolCall[]): void {
    if (!calls.length) return;
    this.chunk({ tool_calls: wireToolCalls(calls).map((c, index) => ({ index, ...c })) }, null);
  }

  finish(reason: OpenAiFinishReason, usage: WireUsage | null): void {
    this.chunk({}, reason);
    if (this.options.includeUsage) this.write({ ...this.envelope(), choices: [], usage: usageOf(usage) });
    this.write('[DONE]');
    this.end();
  }

  /** Ends a started stream with an error event. */
  fail(err: SwitchboardError): void {
    this.write(openAiErrorBody(err));
    this.end();
  }

  private chunk(delta: Record<string, unknown>, finish: OpenAiFinishReason | null): void {
    this.write({ ...this.envelope(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  }

  private envelope() {
    return { id: this.meta.id, object: 'chat.completion.chunk', created: this.meta.created, model: this.meta.model };
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    this.reply.hijack();
    this.reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...(this.options.headers ?? {}),
    });
    // The first chunk carries the role, as OpenAI's does.
    this.reply.raw.write(`data: ${JSON.stringify({ ...this.envelope(), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })}\n\n`);
  }

  private write(data: unknown): void {
    if (this.closed) return;
    this.open();
    this.reply.raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeListeners.length = 0;
    this.reply.raw.end();
  }
}
