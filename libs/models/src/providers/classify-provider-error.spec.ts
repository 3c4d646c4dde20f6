import { APICallError } from '@ai-sdk/provider';
import { ProviderCallError } from '../provider-call-error';
import { isNetworkError, isRetryableStatus, toProviderCallError } from './classify-provider-error';

function apiError(statusCode: number | undefined, extra: Partial<ConstructorParameters<typeof APICallError>[0]> = {}): APICallError {
  return new APICallError({ message: `status ${statusCode}`, url: 'http://x/v1/chat/completions', requestBodyValues: {}, statusCode, ...extra });
}

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [529, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
  ])('%i → %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe('isNetworkError', () => {
  it('finds socket codes and timeouts anywhere in the cause chain', () => {
    const socket = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(isNetworkError(new TypeError('terminated', { cause: socket }))).toBe(true);
    expect(isNetworkError(new Error('wrapped', { cause: new Error('x', { cause: Object.assign(new Error('r'), { code: 'ECONNRESET' }) }) }))).toBe(true);
    expect(isNetworkError(new DOMException('timed out', 'TimeoutError'))).toBe(true);
    expect(isNetworkError(new TypeError('fetch failed'))).toBe(true);
  });

  it('is false for ordinary errors', () => {
    expect(isNetworkError(new Error('bad request'))).toBe(false);
    expect(isNetworkError(new TypeError('x is not a function'))).toBe(false);
    expect(isNetworkError(undefined)).toBe(false);
  });
});

describe('toProviderCallError', () => {
  it('keeps the HTTP status and decides retryability from it', () => {
    const e = toProviderCallError(apiError(503), 'main', 'partial');
    expect(e).toBeInstanceOf(ProviderCallError);
    expect(e).toMatchObject({ status: 503, retryable: true, modelConfigId: 'main', partialText: 'partial' });
    expect(e.cause).toBeInstanceOf(APICallError);
    expect(toProviderCallError(apiError(400), 'main', '')).toMatchObject({ status: 400, retryable: false });
  });

  it('treats a connection failure without a status as retryable', () => {
    const e = toProviderCallError(apiError(undefined, { isRetryable: true, message: 'Cannot connect to API: connect ECONNREFUSED' }), 'm', '');
    expect(e.status).toBeUndefined();
    expect(e.retryable).toBe(true);
  });

  it('ignores the 200 status of a response whose body was cut off', () => {
    const cut = apiError(200, { message: 'Failed to process successful response', cause: new TypeError('terminated') });
    expect(toProviderCallError(cut, 'm', 'abc')).toMatchObject({ retryable: true, partialText: 'abc' });
    expect(toProviderCallError(cut, 'm', 'abc').status).toBeUndefined();
  });

  it('unwraps a RetryError to its last attempt', () => {
    const retry = Object.assign(new Error('Failed after 3 attempts'), { name: 'AI_RetryError', lastError: apiError(429) });
    expect(toProviderCallError(retry, 'm', '')).toMatchObject({ status: 429, retryable: true });
  });

  it.each([
    [{ type: 'overloaded_error', message: 'Overloaded' }, 529, true],
    [{ type: 'rate_limit_error', message: 'slow down' }, 429, true],
    [{ type: 'api_error', message: 'oops' }, 500, true],
    [{ message: 'busy', type: 'server_error', code: null }, 500, true],
    [{ error: { message: 'limit', type: 'requests', code: 'rate_limit_exceeded' } }, 429, true],
    [{ type: 'invalid_request_error', message: 'bad' }, undefined, false],
  ])('classifies the streamed error payload %j', (payload, status, retryable) => {
    const e = toProviderCallError(payload, 'm', '');
    expect(e.status).toBe(status);
    expect(e.retryable).toBe(retryable);
  });

  it('does not retry unknown errors', () => {
    expect(toProviderCallError(new Error('boom'), 'm', '')).toMatchObject({ retryable: false, message: 'Model "m" failed: boom' });
  });

  it('returns a ProviderCallError unchanged', () => {
    const original = new ProviderCallError('x', { modelConfigId: 'm', retryable: true, partialText: '' });
    expect(toProviderCallError(original, 'other', 'y')).toBe(original);
  });
});
