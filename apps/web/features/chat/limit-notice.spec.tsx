/** @jest-environment jsdom */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { limitNotice } from '../../lib/people';
import { LimitNoticeLine } from './limit-notice';

describe('LimitNoticeLine', () => {
  afterEach(() => jest.useRealTimers());

  it('counts a rate limit down to "send again", and can be dismissed', () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T10:00:00Z') });
    const notice = limitNotice({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 3, limit: 'messagesPerMinute', personId: 'p' } })!;
    const onDismiss = jest.fn();
    render(<LimitNoticeLine notice={notice} onDismiss={onDismiss} />);
    const line = screen.getByRole('alert');
    expect(line.textContent).toBe('Limit reached: too many messages this minute — try again in 3 s.');
    act(() => void jest.advanceTimersByTime(1000));
    expect(line.textContent).toBe('Limit reached: too many messages this minute — try again in 2 s.');
    act(() => void jest.advanceTimersByTime(2000));
    expect(line.textContent).toBe('You can send again now.');
    expect(line.className).toContain('limit-notice--over');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismiss).toHaveBeenCalled();
  });

  it('says a spent budget and when it resets', () => {
    jest.useFakeTimers({ now: Date.parse('2026-01-01T23:30:00Z') });
    const notice = limitNotice({ code: 'BUDGET_EXCEEDED', details: { limit: 'costPerDayUsd', resetsAt: '2026-01-02T00:00:00.000Z', used: 1.2, allowed: 1 } })!;
    render(<LimitNoticeLine notice={notice} onDismiss={() => undefined} />);
    expect(screen.getByRole('alert').textContent).toBe("Today's budget is used up (cost: $1.20 of $1.00); resets at 00:00 UTC (in 30 min).");
    expect(screen.getByRole('alert').dataset.code).toBe('BUDGET_EXCEEDED');
  });
});
