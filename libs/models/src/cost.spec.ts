import { estimateCost } from './cost';

describe('estimateCost', () => {
  it('prices input and output per million tokens', () => {
    expect(estimateCost({ inputTokens: 1_000_000, outputTokens: 1_000_000, cachedTokens: 0 }, { input: 2, output: 8 })).toBe(10);
    expect(estimateCost({ inputTokens: 1500, outputTokens: 500, cachedTokens: 0 }, { input: 2, output: 8 })).toBe(0.007);
  });

  it('charges cached input at the cached price, counted inside inputTokens', () => {
    // 600 uncached * 2 + 400 cached * 0.5 + 100 output * 8 = 1200 + 200 + 800 = 2200 per million
    expect(estimateCost({ inputTokens: 1000, outputTokens: 100, cachedTokens: 400 }, { input: 2, output: 8, cachedInput: 0.5 })).toBe(0.0022);
  });

  it('charges cached input at the input price when no cached price is set', () => {
    expect(estimateCost({ inputTokens: 1000, outputTokens: 0, cachedTokens: 400 }, { input: 3, output: 15 })).toBe(0.003);
  });

  it('is zero without a price, and for free local models', () => {
    expect(estimateCost({ inputTokens: 10_000, outputTokens: 10_000, cachedTokens: 0 })).toBe(0);
    expect(estimateCost({ inputTokens: 10_000, outputTokens: 10_000, cachedTokens: 0 }, null)).toBe(0);
    expect(estimateCost({ inputTokens: 10_000, outputTokens: 10_000, cachedTokens: 0 }, { input: 0, output: 0 })).toBe(0);
  });

  it('rounds away float noise', () => {
    // 0.1 + 0.2 style noise: 100 tokens at 1 + 200 tokens at 1 per million
    const cost = estimateCost({ inputTokens: 100, outputTokens: 200, cachedTokens: 0 }, { input: 1, output: 1 });
    expect(cost).toBe(0.0003);
    expect(String(estimateCost({ inputTokens: 3, outputTokens: 0, cachedTokens: 0 }, { input: 0.1, output: 0 }))).toBe('3e-7');
  });

  it('never bills more cached tokens than input tokens, nor negative counts', () => {
    expect(estimateCost({ inputTokens: 100, outputTokens: 0, cachedTokens: 500 }, { input: 10, output: 0, cachedInput: 1 })).toBe(0.0001);
    expect(estimateCost({ inputTokens: -5, outputTokens: -5, cachedTokens: 0 }, { input: 10, output: 10 })).toBe(0);
  });
});
