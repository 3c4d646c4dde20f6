import { estimateMessagesTokens, estimateTokens } from './tokens';

describe('estimateTokens', () => {
  it('is ceil(chars / 4)', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
  });
});

describe('estimateMessagesTokens', () => {
  it('adds every message and the system prompt, with a small framing cost each', () => {
    const messages = [
      { role: 'user' as const, content: 'abcdefgh' },
      { role: 'assistant' as const, content: 'abcd' },
    ];
    expect(estimateMessagesTokens(messages)).toBe(2 + 4 + 1 + 4);
    expect(estimateMessagesTokens(messages, 'abcdefghijkl')).toBe(11 + 3 + 4);
    expect(estimateMessagesTokens([])).toBe(0);
  });
});
