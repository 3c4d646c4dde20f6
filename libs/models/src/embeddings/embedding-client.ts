import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany } from 'ai';
import type { MemoryEmbeddingsConfig, ProviderConfig } from '../config.schema';
import { toProviderCallError } from '../providers/classify-provider-error';

/** A text embedding model: one vector per text, in order. */
export interface EmbeddingClient {
  /** Names the model a vector came from (`provider/model`, with `@dimensions` when asked): stored with every vector. */
  readonly modelKey: string;
  /** The vectors of the texts (same order); throws a ProviderCallError when the provider fails. */
  embed(texts: readonly string[], options?: { abortSignal?: AbortSignal }): Promise<number[][]>;
}

export interface EmbeddingClientOptions {
  /** Replaces global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** The model key of an embeddings config: what tells vectors of one model from another's. */
export function embeddingModelKey(config: Pick<MemoryEmbeddingsConfig, 'provider' | 'model' | 'dimensions'>): string {
  return `${config.provider}/${config.model}${config.dimensions ? `@${config.dimensions}` : ''}`;
}

/**
 * An embedding client over a configured OpenAI-compatible provider (OpenAI, Ollama's `/v1`,
 * vLLM, LM Studio), through the AI SDK's `embedMany`. No retries here: the caller (a background
 * indexer, or a turn that falls back to lexical retrieval) decides what a failure means.
 */
export function createEmbeddingClient(
  config: Pick<MemoryEmbeddingsConfig, 'provider' | 'model' | 'dimensions'>,
  provider: ProviderConfig | undefined,
  options: EmbeddingClientOptions = {},
): EmbeddingClient {
  if (!provider || provider.type !== 'openai-compatible' || !provider.baseUrl) {
    throw new Error(`Embeddings need an openai-compatible provider with a baseUrl; "${config.provider}" is not one`);
  }
  const sdk = createOpenAICompatible({
    name: config.provider,
    baseURL: provider.baseUrl,
    ...(provider.apiKey ? { apiKey: provider.apiKey } : {}),
    ...(provider.headers ? { headers: provider.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const model = sdk.embeddingModel(config.model);
  const modelKey = embeddingModelKey(config);
  return {
    modelKey,
    async embed(texts, { abortSignal } = {}) {
      if (texts.length === 0) return [];
      try {
        const result = await embedMany({
          model,
          values: [...texts],
          maxRetries: 0,
          ...(abortSignal ? { abortSignal } : {}),
          ...(config.dimensions ? { providerOptions: { openaiCompatible: { dimensions: config.dimensions } } } : {}),
        });
        return result.embeddings;
      } catch (err) {
        throw toProviderCallError(err, modelKey, '');
      }
    },
  };
}
