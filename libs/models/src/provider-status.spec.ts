import { ProviderStatusBook } from './provider-status';

describe('ProviderStatusBook', () => {
  it('keeps the last success and failure per provider, counting failures in a row', () => {
    const book = new ProviderStatusBook();
    expect(book.get('p')).toBeNull();
    book.recordFailure('p', { code: 'PROVIDER_ERROR', status: 502, message: 'Bad gateway' }, 1000);
    book.recordFailure('p', { code: 'RATE_LIMITED', status: 429, message: 'Slow down' }, 2000);
    expect(book.get('p')).toEqual({
      lastSuccessAt: null,
      lastFailureAt: 2000,
      lastErrorCode: 'RATE_LIMITED',
      lastErrorStatus: 429,
      lastError: 'Slow down',
      consecutiveFailures: 2,
    });
    book.recordSuccess('p', 3000);
    expect(book.get('p')).toMatchObject({ lastSuccessAt: 3000, lastFailureAt: 2000, consecutiveFailures: 0 });
    expect(book.get('other')).toBeNull();
  });

  it('scrubs secrets from the error text and caps its length', () => {
    const book = new ProviderStatusBook();
    book.recordFailure('p', { code: 'PROVIDER_ERROR', message: 'Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789' }, 1);
    expect(book.get('p')?.lastError).not.toContain('abcdefghijklmnop');
    expect(book.get('p')?.lastError).toContain('[REDACTED]');
    book.recordFailure('p', { code: 'PROVIDER_ERROR', message: 'x'.repeat(500) }, 2);
    expect(book.get('p')?.lastError).toHaveLength(200);
    expect(book.get('p')?.lastErrorStatus).toBeNull();
  });
});
