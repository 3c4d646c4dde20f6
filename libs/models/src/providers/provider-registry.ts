import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { ErrorCode, SwitchboardError, assertUnreachable } from '@switchboard/protocol';
import type { ModelConfig, ProviderConfig, SwitchboardConfig } from '../config.schema';
import { OfflineLanguageModel } from './offline-model';

/** Anthropic's API root; passed explicitly so the SDK never falls back to reading process.env. */
const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';

export interface ProviderRegistryOptions {
  /** Replaces global fetch for every provider call (tests, proxies, instrumentation). */
  fetch?: typeof fetch;
}

type ModelFactory = (modelName: string) => LanguageModelV3;

/**
 * AI SDK providers and language models for a loaded config, each built once on first use:
 * the hot path asks for a model every turn.
 */
export class ProviderRegistry {
  private readonly modelConfigs: ReadonlyMap<string, ModelConfig>;
  private readonly factories = new Map<string, ModelFactory>();
  private readonly models = new Map<string, LanguageModelV3>();

  constructor(
    private readonly config: Pick<SwitchboardConfig, 'providers' | 'models'>,
    private readonly options: ProviderRegistryOptions = {},
  ) {
    this.modelConfigs = new Map(config.models.map((m) => [m.id, m]));
  }

  /** The AI SDK language model behind a model config id (cached). */
  languageModel(modelConfigId: string): LanguageModelV3 {
    const cached = this.models.get(modelConfigId);
    if (cached) return cached;
    const modelConfig = this.modelConfigs.get(modelConfigId);
    if (!modelConfig) {
      throw new SwitchboardError(ErrorCode.INVALID_MODEL, `Unknown model config id "${modelConfigId}"`, { model: modelConfigId });
    }
    const model = this.factory(modelConfig.provider)(modelConfig.model);
    this.models.set(modelConfigId, model);
    return model;
  }

  private factory(providerId: string): ModelFactory {
    const cached = this.factories.get(providerId);
    if (cached) return cached;
    const provider: ProviderConfig = this.config.providers[providerId] ?? { type: 'offline' };
    const factory = buildFactory(providerId, provider, this.options.fetch);
    this.factories.set(providerId, factory);
    return factory;
  }
}

function buildFactory(providerId: string, provider: ProviderConfig, fetchImpl: typeof fetch | undefined): ModelFactory {
  switch (provider.type) {
    case 'openai-compatible': {
      // Validation guarantees a base URL for this type; the check keeps a hand-built config honest.
      if (!provider.baseUrl) throw new Error(`Provider "${providerId}" (openai-compatible) has no baseUrl`);
      const sdk = createOpenAICompatible({
        name: providerId,
        baseURL: provider.baseUrl,
        ...(provider.apiKey ? { apiKey: provider.apiKey } : {}),
        ...(provider.headers ? { headers: provider.headers } : {}),
        includeUsage: true,
        // A request's JSON schema (OpenAI door `response_format`) is sent as json_schema, not downgraded to json_object.
        supportsStructuredOutputs: true,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      return (name) => sdk.chatModel(name);
    }
    case 'anthropic': {
      const sdk = createAnthropic({
        baseURL: provider.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
        // An empty key (keyless proxy) still stops the SDK from reading ANTHROPIC_API_KEY itself.
        apiKey: provider.apiKey ?? '',
        ...(provider.headers ? { headers: provider.headers } : {}),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      return (name) => sdk.languageModel(name);
    }
    case 'offline':
      return (name) => new OfflineLanguageModel(name);
    default:
      return assertUnreachable(provider.type);
  }
}

// One registry per (config, fetch) pair, so createLanguageModel callers share cached providers.
const registries = new WeakMap<object, Map<typeof fetch | undefined, ProviderRegistry>>();

/** The AI SDK language model of a model config id; providers and models are cached per config. */
export function createLanguageModel(
  config: Pick<SwitchboardConfig, 'providers' | 'models'>,
  modelConfigId: string,
  opts: ProviderRegistryOptions = {},
): LanguageModelV3 {
  let byFetch = registries.get(config);
  if (!byFetch) registries.set(config, (byFetch = new Map()));
  let registry = byFetch.get(opts.fetch);
  if (!registry) byFetch.set(opts.fetch, (registry = new ProviderRegistry(config, opts)));
  return registry.languageModel(modelConfigId);
}
