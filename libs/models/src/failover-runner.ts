import { backOff } from 'exponential-backoff';
import type { FailoverConfig } from './config.schema';
import type { ModelCatalog } from './model-catalog';
import type { ModelRunner } from './model-runner';
import type { RunRequest, RunResult } from './run-events';
import { isProviderCallError, type ProviderCallError } from './provider-call-error';
import type { FallbackNotice } from './run-events';
import { ProviderStatusBook } from './provider-status';
import { estimateTokens, type CountTokens } from './tokens';


export interface FailoverRunRequest extends RunRequest {
  /** Called when the call moves on to a fallback model (the turn shows a notice). */
  onFallback?: (notice: FallbackNotice) => void;
  /** Called before a retry of the same model. */
  onRetry?: (info: { modelConfigId: string; attempt: number; error: string }) => void;
}

export interface FailoverRunResult extends RunResult {
  /** The model that produced the answer (differs from the request's after a fallback). */
  modelConfigId: string;
  fallbacks: FallbackNotice[];
  attempts: number;
}

interface Health {
  consecutiveFailures: number;
  coolUntil: number;
}

/**
 * The one retry layer around model calls: transient errors (429, 5xx, timeouts, a stream cut
 * before the first token) are retried with exponential backoff, then the call falls back to the
 * model's configured fallbacks for this call only. A model that keeps failing cools down. A
 * stream cut after tokens were shown is not retried: the partial reply stands, with the error.
 */
export class FailoverRunner {
  private readonly health = new Map<string, Health>();
  /** Per provider, the last success and failure of calls through this runner (Settings shows it). */
  readonly providerStatus = new ProviderStatusBook();

  constructor(
    private readonly runner: Pick<ModelRunner, 'stream' | 'generate'> & Partial<Pick<ModelRunner, 'tokenCounter'>>,
    private readonly catalog: ModelCatalog,
    private readonly settings: FailoverConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Streams with retries and fallbacks; throws the last ProviderCallError when every model failed. */
  stream(req: FailoverRunRequest): Promise<FailoverRunResult> {
    return this.run(req, (r) => this.runner.stream(r));
  }

  /** Non-streamed call (delegated side work) with the same retries and fallbacks. */
  generate(req: FailoverRunRequest): Promise<FailoverRunResult> {
    return this.run(req, (r) => this.runner.generate(r));
  }

  /** The token counter of a model (the runner's; the plain estimate when the runner has none). */
  tokenCounter(modelConfigId: string): CountTokens {
    return this.runner.tokenCounter?.(modelConfigId) ?? estimateTokens;
  }

  /** True while a model is cooling down after repeated failures. */
  isCoolingDown(modelConfigId: string): boolean {
    return (this.health.get(modelConfigId)?.coolUntil ?? 0) > this.now();
  }

  private chain(primary: string): string[] {
    const ids = [primary];
    for (const ref of this.catalog.get(primary)?.fallbacks ?? []) {
      const m = this.catalog.resolveRef(ref);
      if (m && !ids.includes(m.id)) ids.push(m.id);
    }
    // Models cooling down go last, so a healthy fallback answers first.
    const healthy = ids.filter((id) => !this.isCoolingDown(id));
    return [...healthy, ...ids.filter((id) => !healthy.includes(id))];
  }

  private async run(req: FailoverRunRequest, call: (r: RunRequest) => Promise<RunResult>): Promise<FailoverRunResult> {
    const models = this.chain(req.modelConfigId);
    const fallbacks: FallbackNotice[] = [];
    let attempts = 0;
    let last: ProviderCallError | undefined;
    for (let i = 0; i < models.length; i++) {
      const modelConfigId = models[i];
      try {
        const result = await backOff(
          () => {
            attempts++;
            return call({
              ...req,
              modelConfigId,
              firstTokenTimeoutMs: req.firstTokenTimeoutMs ?? this.settings.firstTokenTimeoutMs,
              streamIdleTimeoutMs: req.streamIdleTimeoutMs ?? this.settings.streamIdleTimeoutMs,
            });
          },
          {
            numOfAttempts: this.settings.retries + 1,
            startingDelay: this.settings.baseDelayMs,
            maxDelay: this.settings.maxDelayMs,
            timeMultiple: 2,
            jitter: 'full',
            retry: (error: unknown, attempt: number) => {
              const retry = isProviderCallError(error) && error.retryable && !error.partialText && !req.abortSignal?.aborted;
              if (retry) req.onRetry?.({ modelConfigId, attempt, error: (error as Error).message });
              return retry;
            },
          },
        );
        this.recordSuccess(modelConfigId);
        this.recordProvider(modelConfigId, null);
        return { ...result, modelConfigId, fallbacks, attempts };
      } catch (error) {
        if (!isProviderCallError(error)) throw error;
        this.recordFailure(modelConfigId);
        // A stop by the user is not the provider's failure.
        if (!req.abortSignal?.aborted) this.recordProvider(modelConfigId, error);
        last = error;
        // Tokens already reached the user, or the user stopped: no other model takes over.
        if (error.partialText || req.abortSignal?.aborted) throw error;
        const next = models[i + 1];
        if (next) {
          const notice = { from: modelConfigId, to: next, error: error.message };
          fallbacks.push(notice);
          req.onFallback?.(notice);
        }
      }
    }
    throw last;
  }

  private recordProvider(modelConfigId: string, error: ProviderCallError | null): void {
    const provider = this.catalog.get(modelConfigId)?.provider;
    if (!provider) return;
    if (error) this.providerStatus.recordFailure(provider, { code: error.code, status: error.status, message: error.message }, this.now());
    else this.providerStatus.recordSuccess(provider, this.now());
  }

  /** Model ids resting after repeated failures. */
  coolingDown(): string[] {
    return [...this.health.entries()].filter(([, h]) => h.coolUntil > this.now()).map(([id]) => id);
  }

  private recordSuccess(id: string): void {
    this.health.delete(id);
  }

  private recordFailure(id: string): void {
    const h = this.health.get(id) ?? { consecutiveFailures: 0, coolUntil: 0 };
    h.consecutiveFailures++;
    if (h.consecutiveFailures >= this.settings.failureThreshold) h.coolUntil = this.now() + this.settings.cooldownMs;
    this.health.set(id, h);
  }
}
