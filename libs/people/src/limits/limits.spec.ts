import { ErrorCode, isSwitchboardError } from '@switchboard/protocol';
import { DEFAULT_ROLE_LIMITS, effectiveLimits, isUnlimited, limitBreach, nextUtcMidnight, utcDayStart } from './limits';

const NOW = new Date('2026-12-07T23:59:30.000Z');
const quiet = { messagesLastMinute: 0, oldestInWindowAt: null, tokensToday: 0, costTodayUsd: 0 };

describe('limits', () => {
  it('owners are unlimited by default; members are limited', () => {
    expect(isUnlimited(effectiveLimits('owner', {}))).toBe(true);
    expect(effectiveLimits('member', {})).toEqual(DEFAULT_ROLE_LIMITS.member);
  });

  it('a person override wins over the role default, null lifts a limit', () => {
    const limits = effectiveLimits('member', { messagesPerMinute: 3, tokensPerDay: null });
    expect(limits).toEqual({ messagesPerMinute: 3, tokensPerDay: null, costPerDayUsd: DEFAULT_ROLE_LIMITS.member.costPerDayUsd });
  });

  it('the daily window is the UTC day', () => {
    expect(utcDayStart(NOW).toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(nextUtcMidnight(NOW).toISOString()).toBe('2026-12-08T00:00:00.000Z');
  });

  it('refuses the message over the rate with the seconds until a slot frees', () => {
    const limits = { messagesPerMinute: 2, tokensPerDay: null, costPerDayUsd: null };
    expect(limitBreach('p', limits, { ...quiet, messagesLastMinute: 1, oldestInWindowAt: '2026-12-07T23:59:00.000Z' }, NOW)).toBeNull();
    const err = limitBreach('p', limits, { ...quiet, messagesLastMinute: 2, oldestInWindowAt: '2026-12-07T23:58:50.000Z' }, NOW);
    expect(isSwitchboardError(err)).toBe(true);
    expect(err!.code).toBe(ErrorCode.RATE_LIMITED);
    expect(err!.details).toMatchObject({ retryAfterSeconds: 20, limit: 'messagesPerMinute', personId: 'p' });
  });

  it('refuses once the day’s tokens or cost are spent, saying when it resets', () => {
    const tokens = limitBreach('p', { messagesPerMinute: null, tokensPerDay: 100, costPerDayUsd: null }, { ...quiet, tokensToday: 100 }, NOW);
    expect(tokens!.code).toBe(ErrorCode.BUDGET_EXCEEDED);
    expect(tokens!.details).toMatchObject({ limit: 'tokensPerDay', resetsAt: '2026-12-08T00:00:00.000Z', used: 100, allowed: 100 });
    const cost = limitBreach('p', { messagesPerMinute: null, tokensPerDay: null, costPerDayUsd: 0.5 }, { ...quiet, costTodayUsd: 0.51 }, NOW);
    expect(cost!.details).toMatchObject({ limit: 'costPerDayUsd' });
    expect(limitBreach('p', { messagesPerMinute: null, tokensPerDay: 100, costPerDayUsd: null }, { ...quiet, tokensToday: 99 }, NOW)).toBeNull();
  });
});
