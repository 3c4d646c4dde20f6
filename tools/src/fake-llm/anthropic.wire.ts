/** Anthropic Messages wire format (non-streaming message, SSE events, error body). */
import type { ReplyPlan, ReplyUsage, StreamFrames, WireFormat } from './wire.types';

/** Anthropic's input_tokens excludes cache reads, so the cached share is moved to cache_read_input_tokens. */
function inputUsage(u: ReplyUsage) {
  return {
    input_tokens: Math.max(0, u.promptTokens - u.cachedTokens),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: u.cachedTokens,
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The message envelope that opens every streamed reply. */
function startMessage(plan: ReplyPlan) {
  return {
    id: plan.id,
    type: 'message',
    role: 'assistant',
    model: plan.request.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...inputUsage(plan.usage), output_tokens: 0 },
  };
}

function event(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** A reasoning model's thinking: a block of its own (index 0) before the text or tool calls, signed. */
function thinkingBlock(plan: ReplyPlan): string {
  if (!plan.reasoning) return '';
  return (
    event('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }) +
    event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: plan.reasoning } }) +
    event('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'fake-signature' } }) +
    event('content_block_stop', { index: 0 })
  );
}

export const anthropicWire: WireFormat = {
  toolCallStream(plan: ReplyPlan) {
    let out = event('message_start', { message: startMessage(plan) }) + thinkingBlock(plan);
    const first = plan.reasoning ? 1 : 0;
    (plan.toolCalls ?? []).forEach((c, i) => {
      const index = first + i;
      out +=
        event('content_block_start', { index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } }) +
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: c.arguments } }) +
        event('content_block_stop', { index });
    });
    return (
      out +
      event('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: plan.usage.completionTokens } }) +
      event('message_stop', {})
    );
  },

  completion(plan: ReplyPlan) {
    return {
      id: plan.id,
      type: 'message',
      role: 'assistant',
      model: plan.request.model,
      content: [...(plan.reasoning ? [{ type: 'thinking', thinking: plan.reasoning, signature: 'fake-signature' }] : []), { type: 'text', text: plan.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { ...inputUsage(plan.usage), output_tokens: plan.usage.completionTokens },
    };
  },

  stream(plan: ReplyPlan): StreamFrames {
    const thinking = thinkingBlock(plan);
    const index = plan.reasoning ? 1 : 0;
    // Content frames are the hot path: stringify the constant envelope once, splice the text in.
    const [before, after] = event('content_block_delta', {
      index,
      delta: { type: 'text_delta', text: '\u0000' },
    }).split('"\\u0000"');
    return {
      head:
        event('message_start', { message: startMessage(plan) }) +
        thinking +
        event('content_block_start', { index, content_block: { type: 'text', text: '' } }),
      delta: (text) => before + JSON.stringify(text) + after,
      tail:
        event('content_block_stop', { index }) +
        event('message_delta', {
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: plan.usage.completionTokens },
        }) +
        event('message_stop', {}),
    };
  },

  error(status: number, message: string) {
    const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message } };
  },
};
