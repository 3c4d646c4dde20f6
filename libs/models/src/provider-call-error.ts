import { ErrorCode } from '@switchboard/protocol';

export interface ProviderCallErrorInit {
  modelConfigId: string;
  status?: number;
  retryable: boolean;
  partialText: string;
  cause?: unknown;
}

/** A model call failed at the provider (HTTP error, network, broken stream); `retryable` tells the one retry layer what to do. */
export class ProviderCallError extends Error {
  readonly modelConfigId: string;
  readonly status?: number;
  readonly retryable: boolean;
  /** Text streamed before the failure, so a turn can keep what the user already saw. */
  readonly partialText: string;

  constructor(message: string, init: ProviderCallErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProviderCallError';
    this.modelConfigId = init.modelConfigId;
    if (init.status !== undefined) this.status = init.status;
    this.retryable = init.retryable;
    this.partialText = init.partialText;
  }

  /** The wire error code a door reports for this failure. */
  get code(): ErrorCode {
    return this.status === 429 ? ErrorCode.RATE_LIMITED : ErrorCode.PROVIDER_ERROR;
  }
}

/** True when a value is a ProviderCallError (also across package copies). */
export function isProviderCallError(value: unknown): value is ProviderCallError {
  return value instanceof ProviderCallError || (value instanceof Error && value.name === 'ProviderCallError' && 'retryable' in value);
}
