import { ErrorCode, LIMITS, SwitchboardError, type ChatCompletionRequest } from '@switchboard/protocol';
import type { CallSettings, ChatMessage, ClientToolSpec, ToolChoice } from '@switchboard/models';

// The request's wire schema lives in libs/protocol (the route table); here: what the door makes of it.
export { chatCompletionRequestSchema, type ChatCompletionRequest } from '@switchboard/protocol';
type RequestMessage = ChatCompletionRequest['messages'][number];

/** Model names that mean "no override: use the chain". */
export const CHAIN_MODELS = new Set(['switchboard', 'auto']);

/** The explicit model of a request, or null for the chain. */
export function explicitModel(body: ChatCompletionRequest): string | null {
  return CHAIN_MODELS.has(body.model.toLowerCase()) ? null : body.model;
}

/** Text of a message's content; non-text parts (images, audio, files) are not read. */
export function textOf(content: RequestMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}

/** The request's messages in provider-neutral form (developer messages are system messages). */
export function toChatMessages(messages: RequestMessage[]): ChatMessage[] {
  return messages.map((m, i): ChatMessage => {
    const content = textOf(m.content);
    if (content.length > LIMITS.maxMessageChars) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `messages.${i}.content: over ${LIMITS.maxMessageChars} characters.`, {
        field: `messages.${i}.content`,
      });
    }
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content };
      case 'user':
        return { role: 'user', content };
      case 'assistant':
        return m.tool_calls?.length
          ? { role: 'assistant', content, toolCalls: m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) }
          : { role: 'assistant', content };
      case 'tool':
        if (!m.tool_call_id) {
          throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `messages.${i}.tool_call_id: required on a tool message.`, {
            field: `messages.${i}.tool_call_id`,
          });
        }
        return { role: 'tool', content, toolCallId: m.tool_call_id, ...(m.name ? { toolName: m.name } : {}) };
    }
  });
}

/** Sampling and format options to forward to the provider. */
export function callSettingsOf(body: ChatCompletionRequest): CallSettings {
  const s: CallSettings = {};
  if (body.temperature != null) s.temperature = body.temperature;
  if (body.top_p != null) s.topP = body.top_p;
  if (body.stop != null) s.stopSequences = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed != null) s.seed = body.seed;
  if (body.presence_penalty != null) s.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) s.frequencyPenalty = body.frequency_penalty;
  const f = body.response_format;
  if (f?.type === 'json_object') s.responseFormat = { type: 'json' };
  else if (f?.type === 'json_schema') {
    const j = f.json_schema;
    s.responseFormat = {
      type: 'json',
      name: j.name,
      ...(j.description ? { description: j.description } : {}),
      ...(j.schema ? { schema: j.schema } : {}),
      ...(j.strict === false ? { strict: false } : {}),
    };
  } else if (f?.type === 'text') s.responseFormat = { type: 'text' };
  return s;
}

/** `max_completion_tokens` (current) wins over `max_tokens` (deprecated). */
export function maxOutputTokensOf(body: ChatCompletionRequest): number | undefined {
  return body.max_completion_tokens ?? body.max_tokens ?? undefined;
}

export function clientToolsOf(body: ChatCompletionRequest): ClientToolSpec[] | undefined {
  if (!body.tools?.length) return undefined;
  return body.tools.map((t) => ({
    name: t.function.name,
    ...(t.function.description ? { description: t.function.description } : {}),
    // A function without parameters takes none.
    parameters: t.function.parameters ?? { type: 'object', properties: {} },
  }));
}

export function toolChoiceOf(body: ChatCompletionRequest): ToolChoice | undefined {
  const c = body.tool_choice;
  if (c == null) return undefined;
  if (typeof c === 'string') return c;
  if (!body.tools?.some((t) => t.function.name === c.function.name)) {
    throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `tool_choice: "${c.function.name}" is not one of the request's tools.`, {
      field: 'tool_choice',
    });
  }
  return { toolName: c.function.name };
}
