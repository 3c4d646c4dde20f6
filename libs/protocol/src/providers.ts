import { z } from 'zod';
import { channelSchema, providerTypeSchema } from './schemas';

const isoDate = z.string().describe('ISO 8601 timestamp');

/** How a provider answered lately, from the one retry layer (since the API started; nothing secret). */
export const providerStatusSchema = z.object({
  id: z.string(),
  type: providerTypeSchema,
  /** `ok`: the last call succeeded; `failing`: the last call failed; `unused`: no call since the API started. */
  state: z.enum(['ok', 'failing', 'unused']),
  lastSuccessAt: isoDate.nullable(),
  lastFailureAt: isoDate.nullable(),
  lastErrorCode: z.string().nullable().describe('the wire code of the last failure (PROVIDER_ERROR, RATE_LIMITED...)'),
  lastErrorStatus: z.number().int().nullable().describe("the provider's HTTP status of the last failure, when it answered"),
  lastError: z.string().nullable().describe('the last failure, secrets scrubbed and cut to 200 characters'),
  consecutiveFailures: z.number().int(),
  coolingDown: z.array(z.string()).describe('model ids of this provider resting after repeated failures'),
  models: z.array(z.string()).describe("the catalog's model ids on this provider"),
});
export type ProviderStatus = z.infer<typeof providerStatusSchema>;

export const providerStatusResponseSchema = z.object({
  providers: z.array(providerStatusSchema),
  since: isoDate.describe('when the API started: the status covers calls since then'),
});
export type ProviderStatusResponse = z.infer<typeof providerStatusResponseSchema>;

/** An agent profile of the config file, read-only. */
export const agentInfoSchema = z.object({
  name: z.string(),
  match: z.object({ channel: z.union([channelSchema, z.literal('*')]), peer: z.string() }),
  model: z.string().nullable(),
  tier: z.string().nullable(),
  systemPrompt: z.string().nullable().describe("null: the installation's system prompt"),
  memory: z.boolean().nullable(),
  tools: z.array(z.string()).nullable(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

/** The assistant's instructions as configured: where they come from and how to change them. */
export const assistantConfigResponseSchema = z.object({
  systemPrompt: z.string().describe('the system prompt conversations without an agent use'),
  systemPromptSource: z.enum(['config', 'builtin']).describe('`builtin`: the config file sets no `systemPrompt`'),
  agents: z.array(agentInfoSchema),
  configSources: z.array(z.string()).describe('where the configuration came from (`file:/path`, `env:OPENAI_API_KEY`, `builtin:offline`)'),
});
export type AssistantConfigResponse = z.infer<typeof assistantConfigResponseSchema>;
