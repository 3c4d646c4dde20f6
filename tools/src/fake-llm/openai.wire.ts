/** OpenAI Chat Completions wire format (non-streaming object, SSE chunks, error body). */
import type { ReplyPlan, ReplyUsage, StreamFrames, WireFormat } from './wire.types';

function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function usageOf(u: ReplyUsage) {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens },
  };
}

const ERROR_KINDS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

export const openAiWire: WireFormat = {
  toolCallStream(plan: ReplyPlan) {
    const base = { id: plan.id, object: 'chat.completion.chunk', created: plan.created, model: plan.request.model };
    const frame = (chunk: object) => `data: ${JSON.stringify(chunk)}\n\n`;
    const calls = (plan.toolCalls ?? []).map((c, index) => ({ index, id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    return (
      frame({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: calls }, logprobs: null, finish_reason: null }] }) +
      frame({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }] }) +
      frame({ ...base, choices: [], usage: usageOf(plan.usage) }) +
      'data: [DONE]\n\n'
    );
  },

  completion(plan: ReplyPlan) {
    if (plan.toolCalls?.length) {
      return {
        id: plan.id,
        object: 'chat.completion',
        created: plan.created,
        model: plan.request.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: plan.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
        usage: usageOf(plan.usage),
      };
    }
    return {
      id: plan.id,
      object: 'chat.completion',
      created: plan.created,
      model: plan.request.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: plan.text, refusal: null, ...(plan.reasoning ? { reasoning_content: plan.reasoning } : {}) },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: usageOf(plan.usage),
    };
  },

  stream(plan: ReplyPlan): StreamFrames {
    const base = { id: plan.id, object: 'chat.completion.chunk', created: plan.created, model: plan.request.model };
    const frame = (chunk: object) => `data: ${JSON.stringify(chunk)}\n\n`;
    const choice = (delta: object, finish: string | null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    // Content frames are the hot path: stringify the constant envelope once, splice the text in.
    const [before, after] = frame(choice({ content: '\u0000' }, null)).split('"\\u0000"');
    // Usage is sent unless the client opted out explicitly: the AI SDK reads it from this chunk.
    const includeUsage = plan.request.body?.stream_options?.include_usage !== false;
    return {
      head:
        frame(choice({ role: 'assistant', content: '' }, null)) +
        chunksOf(plan.reasoning ?? '', 16)
          .map((r) => frame(choice({ reasoning_content: r }, null)))
          .join(''),
      delta: (text) => before + JSON.stringify(text) + after,
      tail:
        frame(choice({}, 'stop')) +
        (includeUsage ? frame({ ...base, choices: [], usage: usageOf(plan.usage) }) : '') +
        'data: [DONE]\n\n',
    };
  },

  error(status: number, message: string) {
    const kind = ERROR_KINDS[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null };
    return { error: { message, type: kind.type, param: null, code: kind.code } };
  },
};
