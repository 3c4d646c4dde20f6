import { ErrorCode } from '@switchboard/protocol';
import { isProviderCallError, ProviderCallError } from './provider-call-error';

describe('ProviderCallError', () => {
  it('carries the model, status, retryability, partial text and cause', () => {
    const cause = new Error('socket');
    const error = new ProviderCallError('boom', { modelConfigId: 'main', status: 503, retryable: true, partialText: 'Hel', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ProviderCallError', message: 'boom', modelConfigId: 'main', status: 503, retryable: true, partialText: 'Hel' });
    expect(error.cause).toBe(cause);
  });

  it('maps 429 to RATE_LIMITED and everything else to PROVIDER_ERROR', () => {
    const make = (status?: number) => new ProviderCallError('x', { modelConfigId: 'm', retryable: true, partialText: '', ...(status ? { status } : {}) });
    expect(make(429).code).toBe(ErrorCode.RATE_LIMITED);
    expect(make(500).code).toBe(ErrorCode.PROVIDER_ERROR);
    expect(make().code).toBe(ErrorCode.PROVIDER_ERROR);
  });

  it('is recognised across package copies by name and shape', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'ProviderCallError', retryable: false });
    expect(isProviderCallError(lookalike)).toBe(true);
    expect(isProviderCallError(new Error('x'))).toBe(false);
    expect(isProviderCallError({ name: 'ProviderCallError', retryable: true })).toBe(false);
  });
});
