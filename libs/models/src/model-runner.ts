import { generateText, streamText, type LanguageModelUsage, type ModelMessage } from 'ai';
import type { ChatMessage } from './chat-message';
import { estimateCost, type TokenUsage } from './cost';
import type { LoadedConfig } from './load-config';
import type { ModelCatalog } from './model-catalog';
import { toProviderCallError } from './providers/classify-provider-error';
import { ProviderRegistry } from './providers/provider-registry';
import { estimateMessagesTokens, estimateTokens } from './tokens';

export interface ModelRunnerOptions {
  config: LoadedConfig;
  catalog: ModelCatalog;
  /** Replaces global fetch for every provider call (tests, proxies). */
  fetch?: typeof fetch;
}

export interface RunRequest {
  modelConfigId: string;
  system?: string;
  messages: ChatMessage[];
  abortSignal?: AbortSignal;
  maxOutputTokens?: number;
  /** Called for every text delta, in order (streaming only). */
  onDelta?: (text: string) => void;
}

export interface RunResult {
  text: string;
  usage: TokenUsage;
  costUsd: number;
  /** The provider's finish reason (`stop`, `length`, ...), `aborted` when cancelled, `unknown` if none came. */
  finishReason: string;
  aborted: boolean;
  /** True when the provider reported no usage (aborted, or a server that omits it) and it was estimated. */
  usageEstimated: boolean;
}

/**
 * Runs one model call through the AI SDK: streaming deltas, usage and cost, abort as a normal
 * outcome, provider failures as ProviderCallError. It never retries: retries live in one layer above.
 */
export class ModelRunner {
  private readonly registry: ProviderRegistry;
  private readonly catalog: ModelCatalog;

  constructor(options: ModelRunnerOptions) {
    this.catalog = options.catalog;
    this.registry = new ProviderRegistry(options.config, options.fetch ? { fetch: options.fetch } : {});
  }

  /** Streams a reply, calling onDelta per text delta; resolves with `aborted: true` and the partial text on abort. */
  async stream(req: RunRequest): Promise<RunResult> {
    const model = this.registry.languageModel(req.modelConfigId);
    let text = '';
    let usage: LanguageModelUsage | undefined;
    let finishReason = 'unknown';
    let aborted = false;
    let failure: unknown;
    let callbackError: { error: unknown } | undefined;

    const result = streamText({
      model,
      ...this.callSettings(req),
      // Errors are reported through the stream and rethrown below; the default handler would log them.
      onError: () => undefined,
    });

    try {
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta') {
          text += part.text;
          try {
            req.onDelta?.(part.text);
          } catch (error) {
            // The caller's bug, not the provider's: leaving the loop cancels the request, then it is rethrown as is.
            callbackError = { error };
            break;
          }
        } else if (part.type === 'finish') {
          usage = part.totalUsage;
          finishReason = part.finishReason;
        } else if (part.type === 'abort') {
          aborted = true;
        } else if (part.type === 'error') {
          // Providers can stream an error and then end normally; the first one is the cause.
          failure ??= part.error;
        }
      }
    } catch (error) {
      failure ??= error;
    }

    if (callbackError) throw callbackError.error;
    // The caller's own abort wins over the network error it provokes.
    if (aborted || req.abortSignal?.aborted) return this.abortOutcome(req, text);
    if (failure !== undefined) throw toProviderCallError(failure, req.modelConfigId, text);
    return this.result(req, text, usage, finishReason, false);
  }

  /** One non-streaming call (delegated side work); same result shape and error handling as stream(). */
  async generate(req: Omit<RunRequest, 'onDelta'>): Promise<RunResult> {
    const model = this.registry.languageModel(req.modelConfigId);
    try {
      const result = await generateText({ model, ...this.callSettings(req) });
      return this.result(req, result.text, result.totalUsage, result.finishReason, false);
    } catch (error) {
      if (req.abortSignal?.aborted) return this.abortOutcome(req, '');
      throw toProviderCallError(error, req.modelConfigId, '');
    }
  }

  /**
   * A cancelled call resolves (the user interrupted; keep the partial text), except a signal that
   * fired because of a timeout (`AbortSignal.timeout`): that is a slow provider, worth a retry.
   */
  private abortOutcome(req: Omit<RunRequest, 'onDelta'>, text: string): RunResult {
    const reason: unknown = req.abortSignal?.reason;
    // Checked by name: DOMException is not an Error subclass in every realm.
    const timedOut = typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
    if (timedOut) throw toProviderCallError(reason, req.modelConfigId, text);
    return this.result(req, text, undefined, 'aborted', true);
  }

  private callSettings(req: Omit<RunRequest, 'onDelta'>) {
    return {
      ...(req.system !== undefined ? { system: req.system } : {}),
      messages: req.messages.map((m): ModelMessage => ({ role: m.role, content: m.content })),
      // History may carry system notes (summaries); they are intended, so no warning per call.
      allowSystemInMessages: true,
      ...(req.abortSignal ? { abortSignal: req.abortSignal } : {}),
      ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
      maxRetries: 0,
    };
  }

  private result(
    req: Omit<RunRequest, 'onDelta'>,
    text: string,
    reported: LanguageModelUsage | undefined,
    finishReason: string,
    aborted: boolean,
  ): RunResult {
    const usageEstimated = reported?.inputTokens === undefined || reported.outputTokens === undefined;
    const usage: TokenUsage = {
      inputTokens: reported?.inputTokens ?? estimateMessagesTokens(req.messages, req.system),
      outputTokens: reported?.outputTokens ?? estimateTokens(text),
      cachedTokens: reported?.inputTokenDetails?.cacheReadTokens ?? reported?.cachedInputTokens ?? 0,
    };
    const price = this.catalog.get(req.modelConfigId)?.price;
    return { text, usage, costUsd: estimateCost(usage, price), finishReason, aborted, usageEstimated };
  }
}
