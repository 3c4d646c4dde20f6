import { z } from 'zod';
import { LIMITS } from './schemas';

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

/** One model in OpenAI's format (`GET /v1/models/{id}`). */
export const openAiModelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
});
export type OpenAiModel = z.infer<typeof openAiModelSchema>;
/** The catalog in OpenAI's list format (`GET /v1/models`). */
export const openAiModelListSchema = z.object({ object: z.literal('list'), data: z.array(openAiModelSchema) });
export type OpenAiModelList = z.infer<typeof openAiModelListSchema>;
