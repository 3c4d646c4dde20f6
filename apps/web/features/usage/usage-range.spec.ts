import { fillDays, rangeFor } from './usage-range';

const NOW = Date.parse('2026-12-07T15:30:00Z');
const t = (tokens: number) => ({ inputTokens: tokens, outputTokens: 0, cachedTokens: 0, costUsd: 0, calls: 1 });

describe('usage ranges', () => {
  it('turns presets into UTC days, both ends inclusive', () => {
    expect(rangeFor('all', NOW)).toEqual({});
    expect(rangeFor('today', NOW)).toEqual({ from: '2026-12-07', to: '2026-12-07' });
    expect(rangeFor('7d', NOW)).toEqual({ from: '2026-12-01', to: '2026-12-07' });
    expect(rangeFor('30d', NOW)).toEqual({ from: '2026-11-08', to: '2026-12-07' });
    expect(rangeFor('custom', NOW, { from: '2026-10-01' })).toEqual({ from: '2026-10-01' });
  });

  it('fills quiet days with zero bars and caps the number of days', () => {
    const days = fillDays([{ day: '2026-12-02', total: t(10) }, { day: '2026-12-04', total: t(5) }], '2026-12-01', '2026-12-04');
    expect(days.map((d) => [d.day, d.tokens])).toEqual([
      ['2026-12-01', 0],
      ['2026-12-02', 10],
      ['2026-12-03', 0],
      ['2026-12-04', 5],
    ]);
    expect(fillDays([{ day: '2026-12-02', total: t(1) }], undefined, undefined).map((d) => d.day)).toEqual(['2026-12-02']);
    expect(fillDays([], undefined, undefined)).toEqual([]);
    expect(fillDays([], '2026-01-01', '2026-12-31', 10)).toHaveLength(10);
  });
});
