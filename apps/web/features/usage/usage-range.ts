import type { UsageTotals } from '@switchboard/protocol';

/** The date ranges the Usage page offers. */
export type RangePreset = 'all' | 'today' | '7d' | '30d' | 'custom';

export const RANGE_LABELS: Record<RangePreset, string> = { all: 'All time', today: 'Today', '7d': '7 days', '30d': '30 days', custom: 'Custom' };

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The API's `from` / `to` (UTC days, both inclusive) for a preset; `custom` takes the given days. */
export function rangeFor(preset: RangePreset, now: number, custom: { from?: string; to?: string } = {}): { from?: string; to?: string } {
  switch (preset) {
    case 'all':
      return {};
    case 'today':
      return { from: utcDay(now), to: utcDay(now) };
    case '7d':
      return { from: utcDay(now - 6 * DAY_MS), to: utcDay(now) };
    case '30d':
      return { from: utcDay(now - 29 * DAY_MS), to: utcDay(now) };
    case 'custom':
      return { ...(custom.from ? { from: custom.from } : {}), ...(custom.to ? { to: custom.to } : {}) };
  }
}

/** Every UTC day from `from` to `to` (inclusive), with the report's totals or zero: bars for quiet days too. */
export function fillDays(byDay: ReadonlyArray<{ day: string; total: UsageTotals }>, from: string | undefined, to: string | undefined, maxDays = 62): Array<{ day: string; tokens: number; total: UsageTotals | null }> {
  const known = new Map(byDay.map((d) => [d.day, d.total]));
  const first = from ?? byDay[0]?.day;
  const last = to ?? byDay[byDay.length - 1]?.day;
  if (!first || !last) return [];
  const out: Array<{ day: string; tokens: number; total: UsageTotals | null }> = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  let t = Math.max(Date.parse(`${first}T00:00:00Z`), end - (maxDays - 1) * DAY_MS);
  for (; t <= end; t += DAY_MS) {
    const day = utcDay(t);
    const total = known.get(day) ?? null;
    out.push({ day, tokens: total ? total.inputTokens + total.outputTokens : 0, total });
  }
  return out;
}
