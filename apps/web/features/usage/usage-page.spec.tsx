/** @jest-environment jsdom */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { UsageReport, UsageReportQuery, UsageTotals } from '@switchboard/protocol';
import { ApiProvider } from '../../lib/api-context';
import type { DashboardApi } from '../../lib/dashboard-api';
import { models, person } from '../../lib/testing/fixtures';
import { roleLabel, UsageChart, UsagePage } from './usage-page';

const totals = (tokens: number, costUsd: number, calls = 1): UsageTotals => ({ inputTokens: tokens, outputTokens: 0, cachedTokens: 0, costUsd, calls });

function report(query: UsageReportQuery): UsageReport {
  const all = { owner: totals(3000, 0.3, 3), 'p-ann': totals(1200, 0.12, 2), unknown: totals(100, 0.01) };
  const mine = query.personId ? { [query.personId]: all[query.personId as keyof typeof all] } : all;
  const total = Object.values(mine).reduce((a, b) => ({ ...a, inputTokens: a.inputTokens + b.inputTokens, costUsd: a.costUsd + b.costUsd, calls: a.calls + b.calls }));
  return { from: null, to: null, channel: null, personId: query.personId ?? null, total, primary: total, delegation: {}, byModel: { main: total }, byPerson: mine, byDay: [], sessionCount: 0, sessions: [] };
}

function renderUsage() {
  const queries: UsageReportQuery[] = [];
  const client = {
    listModels: async () => models(),
    listPeople: async () => ({ people: [person({ id: 'p-ann', displayName: 'Ann Lee' }), person({ id: 'owner', displayName: 'Sam', role: 'owner' })] }),
    getUsageReport: async (q: UsageReportQuery) => (queries.push(q), report(q)),
  } as unknown as DashboardApi['client'];
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ApiProvider value={{ client, memory: {} as DashboardApi['memory'], connect: async () => Promise.reject(new Error('no socket')) }}>
        <UsagePage />
      </ApiProvider>
    </QueryClientProvider>,
  );
  return queries;
}

describe('usage page', () => {
  it('labels delegation roles readably', () => {
    expect(roleLabel('memory_extraction')).toBe('Memory extraction');
    expect(roleLabel('compaction')).toBe('Compaction');
  });

  it('draws bars in proportion to the largest conversation, primary and delegation stacked', () => {
    render(
      <UsageChart
        rows={[
          { id: 'a', label: 'Big one', primary: 600, delegation: 400 },
          { id: 'b', label: 'Small one', primary: 250, delegation: 0 },
        ]}
      />,
    );
    const rows = screen.getAllByRole('listitem');
    const widths = rows.map((r) => [...r.querySelectorAll<HTMLElement>('.chart__primary, .chart__delegation')].map((el) => el.style.width));
    expect(widths).toEqual([
      ['60%', '40%'],
      ['25%', '0%'],
    ]);
    expect(rows[0].textContent).toContain('1k');
  });

  it('breaks usage down by person (named, unknown as Unattributed) and filters by one', async () => {
    const queries = renderUsage();
    const table = await screen.findByTestId('usage-by-person');
    await within(table).findByText('Ann Lee');
    expect([...table.querySelectorAll('tbody tr')].map((r) => r.querySelector('td')!.textContent)).toEqual(['Sam', 'Ann Lee', 'Unattributed']);
    fireEvent.change(screen.getByLabelText('Person'), { target: { value: 'p-ann' } });
    await waitFor(() => expect(queries.at(-1)).toEqual({ limit: 100, personId: 'p-ann' }));
    await screen.findByText(/caused by Ann Lee/);
    expect(screen.getByTestId('usage-totals').textContent).toContain('2 model calls');
  });
});
