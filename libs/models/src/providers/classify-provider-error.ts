import { APICallError } from '@ai-sdk/provider';
import { scrubSecretShapes } from '@switchboard/protocol';
import { ProviderCallError } from '../provider-call-error';

/** Socket-level failures: the request may well succeed if sent again. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// undici's messages when a response body is cut off or a connection fails.
const NETWORK_MESSAGES = /^(terminated|fetch failed|other side closed|socket hang up)$/i;

/**
 * Error payloads that providers send inside a 200 stream, by type or code, with the HTTP status
 * the same failure gets outside a stream (Anthropic: overloaded 529, rate limit 429, api 500).
 */
const STREAM_ERROR_STATUS: Record<string, number> = {
  overloaded_error: 529,
  rate_limit_error: 429,
  api_error: 500,
  rate_limit_exceeded: 429,
  server_error: 500,
};

/** True for statuses worth retrying: request timeout, too many requests, every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A ProviderCallError for whatever a provider call threw or streamed as an `error` part. */
export function toProviderCallError(
  error: unknown,
  modelConfigId: string,
  partialText: string,
  // Upstream errors can echo the key ("Incorrect API key provided: sk-…"); the message is stored and shown.
  scrub: (text: string) => string = scrubSecretShapes,
): ProviderCallError {
  if (error instanceof ProviderCallError) return error;
  const { status, retryable, detail } = classify(error);
  const prefix = `Model "${modelConfigId}" failed${status ? ` (HTTP ${status})` : ''}`;
  return new ProviderCallError(scrub(`${prefix}: ${detail}`), {
    modelConfigId,
    ...(status !== undefined ? { status } : {}),
    retryable,
    partialText,
    cause: error,
  });
}

function classify(error: unknown): { status?: number; retryable: boolean; detail: string } {
  const root = unwrapRetry(error);
  if (APICallError.isInstance(root)) {
    // A body cut off after a 200 arrives as "Failed to process successful response" with status
    // 200: the status says nothing about the failure, the cause (a reset socket) does.
    const status = root.statusCode !== undefined && root.statusCode >= 400 ? root.statusCode : undefined;
    if (status !== undefined) return { status, retryable: isRetryableStatus(status), detail: root.message };
    const network = isNetworkError(root.cause);
    return {
      retryable: network || root.isRetryable,
      detail: network ? `connection lost: ${messageOf(root.cause)}` : root.message,
    };
  }
  if (isNetworkError(root)) {
    const timedOut = (root as { name?: unknown }).name === 'TimeoutError';
    return { retryable: true, detail: `${timedOut ? 'timed out' : 'connection failed'}: ${messageOf(root)}` };
  }

  const payload = streamErrorPayload(root);
  if (payload) {
    const status = STREAM_ERROR_STATUS[payload.kind];
    return {
      ...(status !== undefined ? { status } : {}),
      retryable: status !== undefined && isRetryableStatus(status),
      detail: payload.message ?? payload.kind,
    };
  }
  return { retryable: false, detail: messageOf(root) };
}

/** The AI SDK wraps retried calls in a RetryError; the last attempt's error is the real one. */
function unwrapRetry(error: unknown): unknown {
  if (error instanceof Error && error.name === 'AI_RetryError' && 'lastError' in error) return (error as { lastError: unknown }).lastError;
  return error;
}

/** True when the error or any error in its cause chain is a network failure or a timeout. */
export function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== 'object') return false;
    const { code, name, message, cause } = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (name === 'TimeoutError') return true;
    // By name, not instanceof: errors from Node internals may come from another realm (e.g. under Jest).
    if (name === 'TypeError' && typeof message === 'string' && NETWORK_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

/** An error object a provider streamed (`{ type: 'overloaded_error', message }` or `{ code, message }`). */
function streamErrorPayload(error: unknown): { kind: string; message?: string } | undefined {
  if (!isPlainPayload(error)) return undefined;
  const value = error as { type?: unknown; code?: unknown; message?: unknown; error?: unknown };
  if (value.error && typeof value.error === 'object') return streamErrorPayload(value.error);
  const kind = [value.code, value.type].find((k): k is string => typeof k === 'string' && k in STREAM_ERROR_STATUS) ??
    (typeof value.type === 'string' ? value.type : typeof value.code === 'string' ? value.code : 'error');
  return { kind, ...(typeof value.message === 'string' ? { message: value.message } : {}) };
}

/** A parsed JSON error body, as opposed to a thrown Error (of any realm). */
function isPlainPayload(value: unknown): value is object {
  return !!value && typeof value === 'object' && !(value instanceof Error) && typeof (value as { stack?: unknown }).stack !== 'string';
}

function messageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && !isPlainPayload(error)) {
    const { message, name } = error as { message?: unknown; name?: unknown };
    return (typeof message === 'string' && message) || String(name ?? 'Error');
  }
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
