import { classifyTurnError, describeTurnError, statusInErrorText, TURN_ERROR_KINDS } from './turn-error-kind';

describe('classifyTurnError', () => {
  it.each([
    ['Model "main" failed: connection failed: connect ECONNREFUSED 127.0.0.1:9', undefined, 'unreachable'],
    ['Model "main" failed (HTTP 401): Incorrect API key provided: sk-…', undefined, 'auth'],
    ['Model "main" failed: invalid x-api-key', undefined, 'auth'],
    ['Model "main" failed (HTTP 429): Rate limit reached', undefined, 'rate_limited'],
    ['Model "main" failed (HTTP 400): This model\'s maximum context length is 8192 tokens', undefined, 'context_too_long'],
    ['prompt is too long: 210000 tokens > 200000 maximum', 400, 'context_too_long'],
    ['Model "main" failed: timed out: The operation was aborted due to timeout', undefined, 'timeout'],
    ['Model "main" failed (HTTP 500): Injected error', undefined, 'provider_error'],
    ['Model "main" failed: something odd', undefined, 'unknown'],
  ] as const)('%s → %s', (text, status, kind) => {
    expect(classifyTurnError(text, status)).toBe(kind);
  });

  it('reads the status a stored error names', () => {
    expect(statusInErrorText('Model "x" failed (HTTP 503): busy')).toBe(503);
    expect(statusInErrorText('no status')).toBeUndefined();
  });

  it('describes every kind in words, naming the model, never the raw error', () => {
    for (const kind of TURN_ERROR_KINDS) {
      const d = describeTurnError(kind, 'Fake Main');
      expect(d.title.length).toBeGreaterThan(5);
      expect(d.hint).toMatch(/retry|Retry/);
      expect(`${d.title} ${d.hint}`).not.toMatch(/ECONN|HTTP \d/);
    }
    expect(describeTurnError('unreachable', 'Fake Main').title).toBe('Fake Main could not be reached');
  });
});
