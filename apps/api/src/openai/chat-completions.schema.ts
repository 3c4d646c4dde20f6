import { z } from 'zod';
import { ErrorCode, LIMITS, SwitchboardError } from '@switchboard/protocol';
import type { CallSettings, ChatMessage, ClientToolSpec, ToolChoice } from '@switchboard/models';

/*
 * The request of `POST /v1/chat/completions`, as OpenAI documents it. Fields we do not support
 * (logprobs, logit_bias, modalities, audio, prediction, service_tier, store, metadata,
 * parallel_tool_calls, reasoning_effort, ...) are accepted and ignored, as the README says.
 */

const contentPartSchema = z.object({ type: z.string(), text: z.string().optional() }).loose();
const contentSchema = z.union([z.string(), z.array(contentPartSchema), z.null()]);

const toolCallSchema = z
  .object({
    id: z.string().min(1).max(200),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string().min(1).max(200), arguments: z.string().max(LIMITS.maxMessageChars) }).loose(),
  })
  .loose();

const messageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content: contentSchema.optional(),
    name: z.string().max(200).optional(),
    tool_calls: z.array(toolCallSchema).max(128).nullish(),
    tool_call_id: z.string().max(200).optional(),
  })
  .loose();

// OpenAI's own rule for function names.
const toolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

const toolSchema = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: toolName,
        description: z.string().max(10_000).optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullish(),
      })
      .loose(),
  })
  .loose();

const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: toolName }).loose() }).loose(),
]);

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z
        .object({
          name: z.string().min(1).max(64),
          description: z.string().max(10_000).optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        })
        .loose(),
    })
    .loose(),
]);

const maxTokens = z.number().int().positive().max(1_000_000).nullish();

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().trim().min(1).max(LIMITS.maxModelRefChars),
    messages: z.array(messageSchema).min(1).max(1000),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    /** The person the call is made for; recorded with the usage. It does not select a conversation. */
    user: z.string().max(LIMITS.maxPeerIdChars).optional(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: maxTokens,
    max_completion_tokens: maxTokens,
    stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    response_format: responseFormatSchema.nullish(),
    tools: z.array(toolSchema).max(128).nullish(),
    tool_choice: toolChoiceSchema.nullish(),
    // One choice per request: several would be several turns.
    n: z.literal(1).nullish(),
  })
  .loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
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
