import type { SessionUsage } from '@switchboard/protocol';
import { mapLimited, summariseUsage, tokensOf } from './usage';

const t = (input: number, output: number, cost: number, calls = 1) => ({ inputTokens: input, outputTokens: output, cachedTokens: 0, costUsd: cost, calls });

describe('summariseUsage', () => {
  it('sums totals, primary, each delegation role and each model across conversations', () => {
    const a: SessionUsage = { sessionId: 'a', primary: t(100, 50, 0.1), delegation: { compaction: t(20, 10, 0.01) }, total: t(120, 60, 0.11, 2), byModel: { main: t(100, 50, 0.1), quick: t(20, 10, 0.01) } };
    const b: SessionUsage = { sessionId: 'b', primary: t(10, 5, 0.02), delegation: { compaction: t(2, 1, 0.001), memory_extraction: t(5, 5, 0.002) }, total: t(17, 11, 0.023, 3), byModel: { quick: t(17, 11, 0.023, 3) } };
    const s = summariseUsage([a, b]);
    expect(tokensOf(s.total)).toBe(208);
    expect(s.total.calls).toBe(5);
    expect(s.primary.inputTokens).toBe(110);
    expect(s.delegation.compaction).toMatchObject({ inputTokens: 22, outputTokens: 11, calls: 2 });
    expect(Object.keys(s.delegation).sort()).toEqual(['compaction', 'memory_extraction']);
    expect(s.delegationTotal.calls).toBe(3);
    expect(s.byModel.quick.calls).toBe(4);
    expect(s.total.costUsd).toBeCloseTo(0.133);
  });

  it('is all zeros for no conversations', () => {
    expect(tokensOf(summariseUsage([]).total)).toBe(0);
  });
});

describe('mapLimited', () => {
  it('keeps order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5 * (8 - n)));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });
});
