import { z } from 'zod';

/** Every error code the API, the gateway and the doors can report. Stable: extend, never rename. */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INVALID_JSON: 'INVALID_JSON',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  URI_TOO_LONG: 'URI_TOO_LONG',
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHORIZED: 'UNAUTHORIZED',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_FOUND: 'METHOD_NOT_FOUND',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  QUEUED_MESSAGE_NOT_FOUND: 'QUEUED_MESSAGE_NOT_FOUND',
  INVALID_MODEL: 'INVALID_MODEL',
  MEMORY_NOT_FOUND: 'MEMORY_NOT_FOUND',
  MEMORY_REJECTED: 'MEMORY_REJECTED',
  PAIRING_NOT_FOUND: 'PAIRING_NOT_FOUND',
  TRANSCRIPTION_UNAVAILABLE: 'TRANSCRIPTION_UNAVAILABLE',
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  PERSON_NOT_FOUND: 'PERSON_NOT_FOUND',
  MESSAGE_NOT_FOUND: 'MESSAGE_NOT_FOUND',
  MESSAGE_NOT_ACTIONABLE: 'MESSAGE_NOT_ACTIONABLE',
  FORBIDDEN: 'FORBIDDEN',
  QUEUE_FULL: 'QUEUE_FULL',
  SESSION_BUSY: 'SESSION_BUSY',
  NOT_RUNNING: 'NOT_RUNNING',
  PROVIDER_ERROR: 'PROVIDER_ERROR',
  RATE_LIMITED: 'RATE_LIMITED',
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  INTERNAL: 'INTERNAL',
  /** Readiness: the database, the migrations or the model catalog is not ready (details.checks says which). */
  NOT_READY: 'NOT_READY',
  /** An attachment id that is not this conversation's (or no longer exists). */
  ATTACHMENT_NOT_FOUND: 'ATTACHMENT_NOT_FOUND',
  /** An attachment already sent with a message (or waiting in the queue with one): it cannot be sent again or deleted alone. */
  ATTACHMENT_IN_USE: 'ATTACHMENT_IN_USE',
  /** A file or a message's files over the size limits (`details.limit`: `file` or `message`, `details.maxBytes`). */
  ATTACHMENT_TOO_LARGE: 'ATTACHMENT_TOO_LARGE',
  /** More files in one message than allowed (`details.max`). */
  TOO_MANY_ATTACHMENTS: 'TOO_MANY_ATTACHMENTS',
  /** A file type that is not allowed, or bytes that are not what the declared type says (`details.allowed`). */
  ATTACHMENT_TYPE_NOT_ALLOWED: 'ATTACHMENT_TYPE_NOT_ALLOWED',
  /** The model of the turn cannot read this kind of attachment (`details.suggestions`: models that can). */
  ATTACHMENT_NOT_SUPPORTED: 'ATTACHMENT_NOT_SUPPORTED',
  /** A remote image URL that may not or could not be fetched (disabled, private address, error status, timeout). */
  ATTACHMENT_FETCH_FAILED: 'ATTACHMENT_FETCH_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** A typed, coded error raised by domain code; each door maps the code to its own form. */
export class SwitchboardError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SwitchboardError';
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** True when a value is a SwitchboardError (also across package copies). */
export function isSwitchboardError(value: unknown): value is SwitchboardError {
  return value instanceof SwitchboardError || (value instanceof Error && value.name === 'SwitchboardError' && 'code' in value);
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable: ${String(value)}`);
}

/** The HTTP status for each code: one exhaustive mapping used by the API and the client. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.VALIDATION_FAILED:
    case ErrorCode.INVALID_JSON:
    case ErrorCode.INVALID_MODEL:
      return 400;
    case ErrorCode.UNAUTHORIZED:
      return 401;
    case ErrorCode.FORBIDDEN:
      return 403;
    case ErrorCode.NOT_FOUND:
    case ErrorCode.METHOD_NOT_FOUND:
    case ErrorCode.SESSION_NOT_FOUND:
    case ErrorCode.QUEUED_MESSAGE_NOT_FOUND:
    case ErrorCode.MEMORY_NOT_FOUND:
    case ErrorCode.PAIRING_NOT_FOUND:
    case ErrorCode.JOB_NOT_FOUND:
    case ErrorCode.PERSON_NOT_FOUND:
    case ErrorCode.MESSAGE_NOT_FOUND:
    case ErrorCode.ATTACHMENT_NOT_FOUND:
      return 404;
    case ErrorCode.MEMORY_REJECTED:
    case ErrorCode.TRANSCRIPTION_UNAVAILABLE:
    case ErrorCode.ATTACHMENT_NOT_SUPPORTED:
    case ErrorCode.ATTACHMENT_FETCH_FAILED:
      return 422;
    case ErrorCode.SESSION_BUSY:
    case ErrorCode.NOT_RUNNING:
    case ErrorCode.MESSAGE_NOT_ACTIONABLE:
    case ErrorCode.ATTACHMENT_IN_USE:
      return 409;
    case ErrorCode.TOO_MANY_ATTACHMENTS:
      return 400;
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.ATTACHMENT_TOO_LARGE:
      return 413;
    case ErrorCode.URI_TOO_LONG:
      return 414;
    case ErrorCode.HEADERS_TOO_LARGE:
      return 431;
    case ErrorCode.REQUEST_TIMEOUT:
      return 408;
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
    case ErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED:
      return 415;
    case ErrorCode.QUEUE_FULL:
    case ErrorCode.RATE_LIMITED:
    case ErrorCode.BUDGET_EXCEEDED:
      return 429;
    case ErrorCode.PROVIDER_ERROR:
      return 502;
    case ErrorCode.INTERNAL:
      return 500;
    case ErrorCode.NOT_READY:
      return 503;
    default:
      return assertUnreachable(code);
  }
}
