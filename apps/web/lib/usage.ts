import type { SessionUsage, UsageTotals } from '@switchboard/protocol';

export const zeroTotals = (): UsageTotals => ({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, calls: 0 });

export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    costUsd: a.costUsd + b.costUsd,
    calls: a.calls + b.calls,
  };
}

export const tokensOf = (t: UsageTotals): number => t.inputTokens + t.outputTokens;

export interface UsageSummary {
  total: UsageTotals;
  primary: UsageTotals;
  /** Totals per delegation role (compaction, memory_extraction...). */
  delegation: Record<string, UsageTotals>;
  delegationTotal: UsageTotals;
  byModel: Record<string, UsageTotals>;
}

/**
 * Totals across conversations. The API has no aggregate endpoint, so the dashboard sums each
 * conversation's usage (fine for one person's installation; the page says so).
 */
export function summariseUsage(usages: readonly SessionUsage[]): UsageSummary {
  const out: UsageSummary = { total: zeroTotals(), primary: zeroTotals(), delegation: {}, delegationTotal: zeroTotals(), byModel: {} };
  for (const u of usages) {
    out.total = addTotals(out.total, u.total);
    out.primary = addTotals(out.primary, u.primary);
    for (const [role, t] of Object.entries(u.delegation)) {
      out.delegation[role] = addTotals(out.delegation[role] ?? zeroTotals(), t);
      out.delegationTotal = addTotals(out.delegationTotal, t);
    }
    for (const [model, t] of Object.entries(u.byModel)) out.byModel[model] = addTotals(out.byModel[model] ?? zeroTotals(), t);
  }
  return out;
}

/** Runs `fn` over items with at most `limit` in flight, keeping order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
