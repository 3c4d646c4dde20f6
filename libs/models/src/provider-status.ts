import { scrubSecretShapes } from '@switchboard/protocol';

/** What one provider's calls did lately (times in ms since the epoch). */
export interface ProviderHealth {
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastErrorCode: string | null;
  lastErrorStatus: number | null;
  /** Secret shapes scrubbed, cut to 200 characters. */
  lastError: string | null;
  consecutiveFailures: number;
}

const MAX_ERROR_CHARS = 200;

/** Per provider, the last success and the last failure of model calls: what Settings shows. In memory only. */
export class ProviderStatusBook {
  private readonly byProvider = new Map<string, ProviderHealth>();

  constructor(private readonly scrub: (text: string) => string = scrubSecretShapes) {}

  private entry(providerId: string): ProviderHealth {
    let h = this.byProvider.get(providerId);
    if (!h) {
      h = { lastSuccessAt: null, lastFailureAt: null, lastErrorCode: null, lastErrorStatus: null, lastError: null, consecutiveFailures: 0 };
      this.byProvider.set(providerId, h);
    }
    return h;
  }

  recordSuccess(providerId: string, at: number): void {
    const h = this.entry(providerId);
    h.lastSuccessAt = at;
    h.consecutiveFailures = 0;
  }

  recordFailure(providerId: string, error: { code: string; status?: number; message: string }, at: number): void {
    const h = this.entry(providerId);
    h.lastFailureAt = at;
    h.lastErrorCode = error.code;
    h.lastErrorStatus = error.status ?? null;
    const text = this.scrub(error.message);
    h.lastError = text.length > MAX_ERROR_CHARS ? text.slice(0, MAX_ERROR_CHARS - 1) + '…' : text;
    h.consecutiveFailures++;
  }

  /** A copy of one provider's record (null when it had no call yet). */
  get(providerId: string): ProviderHealth | null {
    const h = this.byProvider.get(providerId);
    return h ? { ...h } : null;
  }
}
