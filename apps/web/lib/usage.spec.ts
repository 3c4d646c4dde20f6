import { addTotals, tokensOf, zeroTotals } from './usage';

const t = (input: number, output: number, cost: number, calls = 1) => ({ inputTokens: input, outputTokens: output, cachedTokens: input / 2, costUsd: cost, calls });

describe('usage totals', () => {
  it('adds every field and counts tokens as input plus output', () => {
    const sum = [t(100, 50, 0.1), t(20, 10, 0.01, 2)].reduce(addTotals, zeroTotals());
    expect(sum).toEqual({ inputTokens: 120, outputTokens: 60, cachedTokens: 60, costUsd: 0.11, calls: 3 });
    expect(tokensOf(sum)).toBe(180);
  });

  it('starts from zero', () => {
    expect(zeroTotals()).toEqual({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, calls: 0 });
    expect(tokensOf(zeroTotals())).toBe(0);
  });
});
