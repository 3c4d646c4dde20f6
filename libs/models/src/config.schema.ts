import { z } from 'zod';
import { ATTACHMENT_DEFAULTS, ATTACHMENT_MEDIA_TYPES, attachmentMediaTypeSchema, channelSchema, jobDefinitionSchema, modelInputSchema, providerTypeSchema, tierSchema, type ModelInput, type Tier } from '@switchboard/protocol';

/** Lowercase, URL- and command-safe: model ids end up in API paths, `/model x` commands and the database. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PROVIDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_REF_PATTERN = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** Every tier name, in display order. */
export const TIERS: readonly Tier[] = tierSchema.options;

/** Aliases that exist without configuration: `cloud` is the default tier, `local` the local tier. */
export const BUILTIN_ALIASES: Readonly<Record<string, Tier>> = { cloud: 'default', local: 'local' };

/** The provider id of the built-in offline model; needs no entry in `providers`. */
export const OFFLINE_PROVIDER_ID = 'offline';

/** The name of the environment variable in an `env:NAME` reference, or undefined for a literal value. */
export function envRefName(value: string): string | undefined {
  return ENV_REF_PATTERN.exec(value)?.[1];
}

const modelIdSchema = z
  .string()
  .regex(MODEL_ID_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)');

// Aliases are typed by people; store them lowercase so lookups can be case-insensitive.
const aliasSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(MODEL_ID_PATTERN, 'must be letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)');

const modelRefSchema = z.string().trim().min(1, 'must not be empty').max(200);

// A URL, or an env:NAME reference that is checked once resolved.
const baseUrlSchema = z
  .string()
  .trim()
  .refine((v) => envRefName(v) !== undefined || isHttpUrl(v), 'must be an http(s) URL or env:NAME');

/** True when the string is an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const providerConfigSchema = z.strictObject({
  type: providerTypeSchema,
  baseUrl: baseUrlSchema.optional(),
  apiKey: z.string().min(1).optional(),
  headers: z.record(z.string().min(1), z.string()).optional(),
  // Voice notes: the provider's OpenAI-compatible `/audio/transcriptions` model (e.g. whisper-1).
  transcriptionModel: z.string().trim().min(1).max(200).optional(),
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export const modelPriceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
});

export const modelConfigSchema = z
  .strictObject({
    id: modelIdSchema,
    provider: z.string().min(1),
    model: z.string().trim().min(1),
    tier: tierSchema.nullable().optional(),
    label: z.string().trim().min(1).max(200).optional(),
    aliases: z.array(aliasSchema).default([]),
    enabled: z.boolean().default(true),
    contextWindow: z.number().int().positive().default(128_000),
    price: modelPriceSchema.optional(),
    fallbacks: z.array(modelRefSchema).default([]),
    reasoningEffort: z
      .enum(['low', 'medium', 'high'])
      .optional()
      .describe('how hard a reasoning model thinks: reasoning_effort on OpenAI-compatible APIs, a thinking budget on Anthropic'),
    input: z
      .array(modelInputSchema)
      .min(1)
      .optional()
      .describe('what the model reads: "text" always, "image" for images, "pdf" for PDF files (others get a PDF\'s text); default ["text"]'),
  })
  .transform((m) => ({
    ...m,
    tier: m.tier ?? null,
    // Text always; anything else only when the catalog says so (an unknown model is text-only).
    input: modelInputs(m.input),
    // The UI always shows a label; the provider's model name is the honest default.
    label: m.label ?? m.model,
    aliases: [...new Set(m.aliases)],
  }));
export type ModelConfig = z.output<typeof modelConfigSchema>;

/** A model's inputs, normalised: `text` first and always there, no duplicates. */
export function modelInputs(input: readonly ModelInput[] | undefined): ModelInput[] {
  return ['text', ...new Set((input ?? []).filter((i) => i !== 'text'))];
}
export type ModelConfigInput = z.input<typeof modelConfigSchema>;

export const agentMatchSchema = z.strictObject({
  channel: z.union([channelSchema, z.literal('*')]),
  peer: z.string().trim().min(1).max(200).default('*').describe('a glob: "*" matches any run of characters'),
});

export const agentConfigSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  match: agentMatchSchema,
  model: modelRefSchema.optional().describe('a model id, alias or tier'),
  tier: tierSchema.optional(),
  systemPrompt: z.string().optional(),
  memory: z.boolean().optional(),
  tools: z.array(z.string().min(1)).optional(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** Side work the assistant hands to other models, each with a model reference (usually a tier). */
export const delegationSchema = z.strictObject({
  compaction: modelRefSchema.default('fast'),
  memory_extraction: modelRefSchema.default('fast'),
  classification: modelRefSchema.default('fast'),
  tool_summarisation: modelRefSchema.default('fast'),
  complex_reasoning: modelRefSchema.default('complex'),
});
export type DelegationConfig = z.infer<typeof delegationSchema>;
export type DelegationRole = keyof DelegationConfig;

export const compactionSchema = z.strictObject({
  thresholdPct: z.number().min(1).max(100).default(80),
  keepTurns: z.number().int().nonnegative().default(6),
  summaryMaxTokens: z.number().int().positive().default(800),
});
export type CompactionConfig = z.infer<typeof compactionSchema>;

/** Retries, fallbacks and cool-down: the one retry layer around model calls. */
export const failoverSchema = z.strictObject({
  /** Retries of one model for a transient error before falling back to the next. */
  retries: z.number().int().min(0).max(10).default(2),
  baseDelayMs: z.number().int().min(0).max(60_000).default(500),
  maxDelayMs: z.number().int().min(0).max(120_000).default(8_000),
  /** Consecutive failed calls after which a model cools down (is skipped while others are usable). */
  failureThreshold: z.number().int().min(1).max(100).default(3),
  cooldownMs: z.number().int().min(0).max(3_600_000).default(60_000),
  /** A call that has not produced its first token in this time counts as a transient failure. */
  firstTokenTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  /** A stream that goes quiet this long after its first token ends the turn `interrupted`, keeping the partial reply. */
  streamIdleTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
});
export type FailoverConfig = z.infer<typeof failoverSchema>;

/** Bounds of one turn. */
export const limitsSchema = z.strictObject({
  maxToolIterations: z.number().int().min(0).max(50).default(6),
  maxDelegationDepth: z.number().int().min(0).max(10).default(2),
  /** A tool result longer than this (characters) is summarised by the tool_summarisation role. */
  toolResultMaxChars: z.number().int().min(200).max(1_000_000).default(4000),
});
export type LimitsConfig = z.infer<typeof limitsSchema>;

/** The web_fetch tool: off unless enabled, and never to loopback, private or metadata addresses unless allowed. */
export const webFetchConfigSchema = z.strictObject({
  /** Offers web_fetch to agents (every agent without a `tools` list, and those whose list names it). */
  enabled: z.boolean().default(false),
  /** Lets it reach loopback, private (RFC 1918, CGNAT 100.64/10, unique-local fc00::/7) and link-local addresses; cloud metadata addresses stay refused. */
  allowPrivateNetworks: z.boolean().default(false),
  /** CIDR ranges (or single addresses) it may reach whatever they are, e.g. a wiki at "192.168.1.20/32". */
  allowNetworks: z.array(z.string().trim().refine(isCidr, 'must be an IP address or a CIDR range like 192.168.1.0/24')).default([]),
  /** Bytes of a response body read at most; a longer page is cut there (and says so). */
  maxBytes: z.number().int().min(1024).max(50_000_000).default(2_000_000),
  /** Milliseconds for the whole fetch, redirects included. */
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
});
export type WebFetchConfig = z.infer<typeof webFetchConfigSchema>;

/** Remote image URLs (the OpenAI door's `image_url` with http(s)): off unless enabled, with web_fetch's protections. */
export const remoteImagesConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Lets it reach loopback, private and link-local addresses; cloud metadata addresses stay refused. */
  allowPrivateNetworks: z.boolean().default(false),
  /** CIDR ranges (or single addresses) it may reach whatever they are. */
  allowNetworks: z.array(z.string().trim().refine(isCidr, 'must be an IP address or a CIDR range like 192.168.1.0/24')).default([]),
  /** Milliseconds for one image, redirects included. */
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
});
export type RemoteImagesConfig = z.infer<typeof remoteImagesConfigSchema>;

/** Images and PDFs sent with messages: limits, allowed types, how long unsent uploads are kept. */
export const attachmentsConfigSchema = z
  .strictObject({
    /** Bytes of one file at most. */
    maxFileBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(ATTACHMENT_DEFAULTS.maxFileBytes),
    /** Bytes of all the files of one message at most. */
    maxMessageBytes: z.number().int().min(1024).max(500 * 1024 * 1024).default(ATTACHMENT_DEFAULTS.maxMessageBytes),
    /** Files in one message at most. */
    maxFiles: z.number().int().min(1).max(100).default(ATTACHMENT_DEFAULTS.maxFiles),
    /** The file types accepted (an empty list turns attachments off). */
    types: z.array(attachmentMediaTypeSchema).default([...ATTACHMENT_MEDIA_TYPES]),
    /** Minutes an upload no message has sent is kept before the retention sweep deletes it. */
    unsentTtlMinutes: z.number().int().min(1).max(10_080).default(ATTACHMENT_DEFAULTS.unsentTtlMinutes),
    /** Characters of a PDF's text given to a model that cannot read PDF files (also bounded by its context window). */
    pdfTextMaxChars: z.number().int().min(1000).max(5_000_000).default(200_000),
    remoteImages: remoteImagesConfigSchema.prefault({}),
  })
  .refine((a) => a.maxMessageBytes >= a.maxFileBytes, { message: 'maxMessageBytes must be at least maxFileBytes', path: ['maxMessageBytes'] });
export type AttachmentsConfig = z.infer<typeof attachmentsConfigSchema>;

/** Tools beyond the built-ins' defaults. */
export const toolsConfigSchema = z.strictObject({
  webFetch: webFetchConfigSchema.prefault({}),
});
export type ToolsConfig = z.infer<typeof toolsConfigSchema>;

/** True when the string is an IP address or a CIDR range (`10.0.0.0/8`, `fd12::/64`); pure, as this module is browser-safe. */
export function isCidr(value: string): boolean {
  const [net, prefix, extra] = value.split('/');
  const family = ipFamily(net);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipFamily(value: string): 4 | 6 | 0 {
  if (IPV4.test(value)) return 4;
  const halves = value.split('::');
  if (halves.length > 2) return 0;
  const groups = halves.flatMap((h) => (h ? h.split(':') : []));
  // A trailing dotted IPv4 part stands for two groups.
  const last = groups[groups.length - 1];
  const width = last !== undefined && IPV4.test(last) ? groups.length + 1 : groups.length;
  const hexOk = groups.every((g, i) => /^[0-9a-f]{1,4}$/i.test(g) || (i === groups.length - 1 && IPV4.test(g)));
  if (!hexOk) return 0;
  return (halves.length === 2 ? width < 8 : width === 8) ? 6 : 0;
}

/** An MCP server's name: the prefix of its tools (`github.create_issue`), so no dots. */
export const MCP_SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

const mcpCommonSchema = {
  /** false keeps the entry but never connects. */
  enabled: z.boolean().default(true),
  /** Milliseconds one tool call may take before it fails (the turn goes on without it). */
  timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
  /** Characters of a tool result kept at most; a longer one is cut (then summarised like any long result). */
  maxResultChars: z.number().int().min(200).max(1_000_000).default(100_000),
};

/** An MCP server started as a child process, spoken to over stdio (the shape other MCP hosts use). */
export const mcpStdioServerSchema = z.strictObject({
  type: z.literal('stdio').optional(),
  command: z.string().trim().min(1),
  args: z.array(z.string()).default([]),
  /** Added to the child's environment (which otherwise holds only a safe default set: PATH, HOME...). */
  env: z.record(z.string().min(1), z.string()).default({}),
  cwd: z.string().min(1).optional(),
  ...mcpCommonSchema,
});

/** An MCP server reached over Streamable HTTP. */
export const mcpHttpServerSchema = z.strictObject({
  type: z.enum(['http', 'streamable-http']).optional(),
  url: z.string().trim().refine(isHttpUrl, 'must be an http(s) URL'),
  headers: z.record(z.string().min(1), z.string()).default({}),
  ...mcpCommonSchema,
});

export const mcpServerConfigSchema = z.union([mcpStdioServerSchema, mcpHttpServerSchema]);
export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;

/** How long idle conversations are kept; the API's scheduler deletes what is older. */
export const retentionSchema = z.strictObject({
  /** Days a machine-made conversation (a scheduled job's own, a per-call OpenAI-door one) is kept after its last activity; null keeps them. */
  machineDays: z.number().int().min(1).max(36_500).nullable().default(30),
  /** Days every other conversation is kept after its last activity; null (the default) keeps them. */
  conversationDays: z.number().int().min(1).max(36_500).nullable().default(null),
  /** Minutes between sweeps. */
  sweepMinutes: z.number().int().min(1).max(1440).default(60),
});
export type RetentionConfig = z.infer<typeof retentionSchema>;

/** Limits of one role; a missing key keeps the built-in default, null lifts the limit. */
const roleLimitsSchema = z.strictObject({
  messagesPerMinute: z.number().int().min(1).max(100_000).nullable().optional(),
  tokensPerDay: z.number().int().min(1).max(10_000_000_000).nullable().optional(),
  costPerDayUsd: z.number().min(0.0001).max(1_000_000).nullable().optional(),
});

/** People: the default limits of each role (a person's own limits are set through the API). */
export const peopleConfigSchema = z.strictObject({
  roles: z.strictObject({ owner: roleLimitsSchema.optional(), member: roleLimitsSchema.optional() }).prefault({}),
});
export type PeopleConfig = z.infer<typeof peopleConfigSchema>;

/**
 * Semantic memory retrieval: an embedding model on a configured provider (its `baseUrl` and
 * `apiKey`, `env:` references included, as for chat models). Without it retrieval is lexical only.
 */
export const memoryEmbeddingsSchema = z.strictObject({
  /** A provider id from `providers` (type `openai-compatible`: OpenAI, Ollama, vLLM, LM Studio...). */
  provider: z.string().min(1),
  /** The provider's embedding model name, e.g. `text-embedding-3-small` or `nomic-embed-text`. */
  model: z.string().trim().min(1).max(200),
  /** Asks the model for vectors of this size (OpenAI's text-embedding-3 models accept it); the model's own size otherwise. */
  dimensions: z.number().int().min(8).max(8192).optional(),
  /** Memories embedded per call by the background indexer. */
  batchSize: z.number().int().min(1).max(512).default(32),
  /** How long a turn waits for its question's embedding before retrieving lexically alone. */
  queryTimeoutMs: z.number().int().min(50).max(10_000).default(800),
});
export type MemoryEmbeddingsConfig = z.infer<typeof memoryEmbeddingsSchema>;

/** Long-term memory. */
export const memoryConfigSchema = z.strictObject({
  embeddings: memoryEmbeddingsSchema.nullable().default(null),
});
export type MemoryConfig = z.infer<typeof memoryConfigSchema>;

const baseConfigSchema = z.strictObject({
  // Lets editors validate the file against a published JSON schema; ignored otherwise.
  $schema: z.string().optional(),
  providers: z.record(z.string().regex(PROVIDER_ID_PATTERN, 'provider ids are letters, digits, ".", "_" or "-"'), providerConfigSchema).default({}),
  models: z.array(modelConfigSchema).default([]),
  defaultModel: modelRefSchema.optional(),
  systemPrompt: z.string().optional(),
  agents: z.array(agentConfigSchema).default([]),
  delegation: delegationSchema.prefault({}),
  compaction: compactionSchema.prefault({}),
  failover: failoverSchema.prefault({}),
  limits: limitsSchema.prefault({}),
  retention: retentionSchema.prefault({}),
  people: peopleConfigSchema.prefault({}),
  tools: toolsConfigSchema.prefault({}),
  memory: memoryConfigSchema.prefault({}),
  attachments: attachmentsConfigSchema.prefault({}),
  // MCP servers by name; their tools are offered to agents whose `tools` list names them (`github.*`).
  mcpServers: z
    .record(z.string().regex(MCP_SERVER_NAME_PATTERN, 'MCP server names are letters, digits, "_" or "-" (at most 32)'), mcpServerConfigSchema)
    .default({}),
  // Scheduled jobs, upserted by name at start (source `config`); see "Scheduled jobs" in the README.
  jobs: z.array(jobDefinitionSchema).default([]),
});

/** The config file, validated: field shapes, defaults and every cross-reference between fields. */
export const switchboardConfigSchema = baseConfigSchema.superRefine((config, ctx) => {
  for (const issue of crossFieldIssues(config)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
});
export type SwitchboardConfig = z.output<typeof switchboardConfigSchema>;
export type SwitchboardConfigInput = z.input<typeof switchboardConfigSchema>;

interface PathIssue {
  path: (string | number)[];
  message: string;
}

/** Checks that need the whole config: provider and model references, unique ids, alias clashes. */
export function crossFieldIssues(config: z.output<typeof baseConfigSchema>): PathIssue[] {
  const issues: PathIssue[] = [];
  const providerIds = Object.keys(config.providers);
  const tierNames = new Set<string>(TIERS);

  const modelIds = new Map<string, number>();
  config.models.forEach((model, i) => {
    if (modelIds.has(model.id)) {
      issues.push({ path: ['models', i, 'id'], message: `duplicate model id "${model.id}" (also models[${modelIds.get(model.id)}])` });
    } else {
      modelIds.set(model.id, i);
    }
    if (model.provider !== OFFLINE_PROVIDER_ID && !config.providers[model.provider]) {
      issues.push({
        path: ['models', i, 'provider'],
        message: `unknown provider "${model.provider}" (known: ${providerIds.length ? providerIds.join(', ') : 'none'})`,
      });
    }
  });

  const aliasOwner = new Map<string, number>();
  config.models.forEach((model, i) => {
    model.aliases.forEach((alias, j) => {
      const path = ['models', i, 'aliases', j];
      const idOwner = modelIds.get(alias);
      if (tierNames.has(alias)) {
        issues.push({ path, message: `alias "${alias}" is a tier name; tiers already resolve on their own` });
      } else if (idOwner !== undefined && idOwner !== i) {
        issues.push({ path, message: `alias "${alias}" is the id of models[${idOwner}]` });
      } else if (aliasOwner.has(alias) && aliasOwner.get(alias) !== i) {
        issues.push({ path, message: `alias "${alias}" is already an alias of models[${aliasOwner.get(alias)}]` });
      } else {
        aliasOwner.set(alias, i);
      }
    });
  });

  // A reference is "known" when it names a configured model (enabled or not: a disabled one falls
  // through at run time with a warning), an alias, a built-in alias or a tier.
  const isKnownRef = (ref: string): boolean => {
    const key = ref.trim().toLowerCase();
    return modelIds.has(key) || aliasOwner.has(key) || key in BUILTIN_ALIASES || tierNames.has(key);
  };
  const refIssue = (path: (string | number)[], ref: string): void => {
    if (!isKnownRef(ref)) issues.push({ path, message: `unknown model "${ref}" (known: ${knownRefsText(config.models)})` });
  };

  config.models.forEach((model, i) => model.fallbacks.forEach((ref, j) => refIssue(['models', i, 'fallbacks', j], ref)));
  if (config.defaultModel !== undefined) refIssue(['defaultModel'], config.defaultModel);
  const agentNames = new Map<string, number>();
  config.agents.forEach((agent, i) => {
    if (agent.model !== undefined) refIssue(['agents', i, 'model'], agent.model);
    const key = agent.name.toLowerCase();
    if (agentNames.has(key)) issues.push({ path: ['agents', i, 'name'], message: `duplicate agent name "${agent.name}" (also agents[${agentNames.get(key)}])` });
    else agentNames.set(key, i);
  });
  for (const [role, ref] of Object.entries(config.delegation)) refIssue(['delegation', role], ref);
  const jobNames = new Map<string, number>();
  config.jobs.forEach((job, i) => {
    if (job.model !== undefined) refIssue(['jobs', i, 'model'], job.model);
    if (jobNames.has(job.name)) issues.push({ path: ['jobs', i, 'name'], message: `duplicate job name "${job.name}" (also jobs[${jobNames.get(job.name)}])` });
    else jobNames.set(job.name, i);
  });

  for (const [id, provider] of Object.entries(config.providers)) {
    if (id === OFFLINE_PROVIDER_ID && provider.type !== 'offline') {
      issues.push({ path: ['providers', id, 'type'], message: `the "${OFFLINE_PROVIDER_ID}" provider is built in and must have type "offline"` });
    }
    if (provider.type === 'openai-compatible' && !provider.baseUrl) {
      issues.push({ path: ['providers', id, 'baseUrl'], message: 'required for openai-compatible providers (e.g. https://api.openai.com/v1)' });
    }
  }
  const embeddings = config.memory.embeddings;
  if (embeddings) {
    const provider = config.providers[embeddings.provider];
    if (!provider) {
      issues.push({
        path: ['memory', 'embeddings', 'provider'],
        message: `unknown provider "${embeddings.provider}" (known: ${providerIds.length ? providerIds.join(', ') : 'none'})`,
      });
    } else if (provider.type !== 'openai-compatible') {
      issues.push({ path: ['memory', 'embeddings', 'provider'], message: `embeddings need an openai-compatible provider; "${embeddings.provider}" is ${provider.type}` });
    }
  }
  return issues;
}

function knownRefsText(models: readonly ModelConfig[]): string {
  const names = models.flatMap((m) => [m.id, ...m.aliases]);
  return [...names, ...TIERS].join(', ');
}

/** `models[1].provider` style path for messages; the root is `(root)`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}
