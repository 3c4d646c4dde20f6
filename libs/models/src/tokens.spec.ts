import { charsForTokens, estimateMessagesTokens, estimateTokens, TokenCalibration } from './tokens';

describe('estimateTokens', () => {
  it('is ceil(chars / 4) for text written with spaces', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
  });

  it('counts a token per character of scripts without spaces (Chinese, Japanese, Korean, Thai)', () => {
    expect(estimateTokens('你好世界')).toBe(4);
    expect(estimateTokens('こんにちは')).toBe(5);
    expect(estimateTokens('안녕하세요')).toBe(5);
    expect(estimateTokens('สวัสดี')).toBe(6);
    expect(estimateTokens('我爱 Paris')).toBe(2 + 2);
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

  it('counts with the counter it is given', () => {
    expect(estimateMessagesTokens([{ role: 'user', content: 'abc' }], 'sys', () => 10)).toBe(28);
  });
});

describe('charsForTokens', () => {
  it('converts a token cap to characters at the sample text\'s density', () => {
    expect(charsForTokens(100, 'abcd'.repeat(50))).toBe(400);
    expect(charsForTokens(100, '你好'.repeat(50))).toBe(100);
    expect(charsForTokens(100, '')).toBe(400);
  });
});

describe('TokenCalibration', () => {
  it('is 1 until a model reports, then moves toward reported / estimated', () => {
    const c = new TokenCalibration({ weight: 0.5 });
    expect(c.ratio('m')).toBe(1);
    expect(c.counter('m')('x'.repeat(400))).toBe(100);
    c.observe('m', 100, 200);
    expect(c.ratio('m')).toBe(2);
    c.observe('m', 100, 100);
    expect(c.ratio('m')).toBe(1.5);
    expect(c.counter('m')('x'.repeat(400))).toBe(150);
    expect(c.ratio('other')).toBe(1);
  });

  it('ignores tiny prompts and broken reports, and clamps outliers', () => {
    const c = new TokenCalibration();
    c.observe('m', 10, 100);
    c.observe('m', 100, 0);
    c.observe('m', 100, Number.NaN);
    expect(c.ratio('m')).toBe(1);
    c.observe('m', 100, 100_000);
    expect(c.ratio('m')).toBe(3);
    c.observe('n', 100, 1);
    expect(c.ratio('n')).toBe(0.5);
  });

  it('keeps at most maxModels, forgetting the least recently calibrated', () => {
    const c = new TokenCalibration({ maxModels: 2 });
    c.observe('a', 100, 200);
    c.observe('b', 100, 200);
    c.observe('a', 100, 200);
    c.observe('c', 100, 200);
    expect(c.ratio('a')).toBe(2);
    expect(c.ratio('b')).toBe(1);
    expect(c.ratio('c')).toBe(2);
  });
});
