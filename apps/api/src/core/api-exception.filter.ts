import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode, SwitchboardError, httpStatusFor, isSwitchboardError, type ErrorBody } from '@switchboard/protocol';
import { LOGGER } from './tokens';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
  sent?: boolean;
}

/** Maps any thrown value to a coded error; only what is truly unexpected becomes a 500. */
export function toSwitchboardError(err: unknown): SwitchboardError {
  if (isSwitchboardError(err)) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; name?: string };
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new SwitchboardError(ErrorCode.INVALID_JSON, 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SwitchboardError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return new SwitchboardError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send JSON with Content-Type: application/json.');
    case 'FST_ERR_BAD_URL':
      return new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'The path is not a valid URL (bad percent-encoding).', { field: 'path' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new SwitchboardError(ErrorCode.URI_TOO_LONG, 'A path segment is too long.');
  }
  if (err instanceof SyntaxError || (e?.statusCode === 400 && /JSON/i.test(e?.message ?? ''))) {
    return new SwitchboardError(ErrorCode.INVALID_JSON, 'The request body is not valid JSON.');
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) return new SwitchboardError(ErrorCode.NOT_FOUND, 'No such route.');
    if (status === 413) return new SwitchboardError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    if (status === 415) return new SwitchboardError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, err.message);
    if (status === 401) return new SwitchboardError(ErrorCode.UNAUTHORIZED, err.message);
    if (status < 500) return new SwitchboardError(ErrorCode.VALIDATION_FAILED, err.message);
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 413) return new SwitchboardError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    if (e.statusCode === 415) return new SwitchboardError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, e.message ?? 'Unsupported media type.');
    if (e.statusCode === 404) return new SwitchboardError(ErrorCode.NOT_FOUND, 'No such route.');
    return new SwitchboardError(ErrorCode.VALIDATION_FAILED, e.message ?? 'Bad request.');
  }
  return new SwitchboardError(ErrorCode.INTERNAL, 'Internal error.');
}

/** OpenAI-style error body for the OpenAI-compatible door. */
export function openAiErrorBody(err: SwitchboardError): { error: { message: string; type: string; code: string; param: string | null } } {
  const status = httpStatusFor(err.code);
  // A spent budget is OpenAI's `insufficient_quota` (same 429, but retrying soon does not help).
  const type =
    status === 401
      ? 'authentication_error'
      : err.code === ErrorCode.BUDGET_EXCEEDED
        ? 'insufficient_quota'
        : status === 429
          ? 'rate_limit_error'
          : status >= 500
            ? 'api_error'
            : 'invalid_request_error';
  const param = typeof err.details?.field === 'string' ? (err.details.field as string) : err.code === ErrorCode.INVALID_MODEL ? 'model' : null;
  return { error: { message: err.message, type, code: err.code === ErrorCode.INVALID_MODEL ? 'model_not_found' : err.code.toLowerCase(), param } };
}

/** Writes a coded error the way every door expects: OpenAI's shape under /v1/, ours elsewhere; Retry-After when it applies. */
export function sendError(reply: ReplyLike, url: string | undefined, err: SwitchboardError): void {
  const body: ErrorBody | ReturnType<typeof openAiErrorBody> = url?.startsWith('/v1/') ? openAiErrorBody(err) : err.toBody();
  if (err.code === ErrorCode.QUEUE_FULL || err.code === ErrorCode.RATE_LIMITED) {
    const wait = err.details?.retryAfterSeconds;
    reply.header('retry-after', String(typeof wait === 'number' ? wait : 1));
  }
  if (err.code === ErrorCode.BUDGET_EXCEEDED) {
    const resetsAt = typeof err.details?.resetsAt === 'string' ? Date.parse(err.details.resetsAt) : NaN;
    if (Number.isFinite(resetsAt)) reply.header('retry-after', String(Math.max(1, Math.ceil((resetsAt - Date.now()) / 1000))));
    // OpenAI's clients retry a 429 by themselves; a spent budget will not come back within their backoff.
    reply.header('x-should-retry', 'false');
  }
  reply.status(httpStatusFor(err.code)).header('content-type', 'application/json; charset=utf-8').send(body);
}

/** The one filter: every error leaves as `{ error: { code, message, details } }` with its status. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const reply = http.getResponse<ReplyLike>();
    const req = http.getRequest<{ url?: string; method?: string }>();
    const err = toSwitchboardError(exception);
    if (httpStatusFor(err.code) >= 500) {
      this.logger.error(
        { err: exception instanceof Error ? (exception.stack ?? exception.message) : String(exception), url: req.url },
        'unhandled error',
      );
    } else {
      this.logger.debug({ code: err.code, url: req.url, method: req.method }, 'request rejected');
    }
    if (reply.sent) return;
    sendError(reply, req.url, err);
  }
}

/**
 * Errors Node's HTTP parser raises before any route sees the request (headers over 16 KiB, a
 * malformed request line, a client too slow to send its head): answered on the raw socket in
 * the documented shape (with OpenAI's `type` as well, since the path is not known yet).
 */
export function answerClientError(err: Error & { code?: string }, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new SwitchboardError(ErrorCode.HEADERS_TOO_LARGE, 'The request head is too large (URL and headers together at most 16 KiB).')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new SwitchboardError(ErrorCode.REQUEST_TIMEOUT, 'The request was not sent in time.')
        : new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'The request is not valid HTTP.');
  const status = httpStatusFor(e.code);
  const body = JSON.stringify({ error: { code: e.code, message: e.message, type: 'invalid_request_error' } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
