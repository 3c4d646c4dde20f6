/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import { roleLabel, UsageChart } from './usage-page';

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
});
