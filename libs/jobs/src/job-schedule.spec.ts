import {
  cronIssue,
  DEFAULT_MISSED_RUN_GRACE_MS,
  describeDuration,
  MAX_TIMER_DELAY_MS,
  nextRunAt,
  planDueRun,
  scheduleOf,
  timezoneIssue,
  type JobSchedule,
} from './job-schedule';

const at = (iso: string) => new Date(iso);
const cron = (expr: string, timezone: string | null = null): JobSchedule => ({ kind: 'cron', cron: expr, timezone });
const iso = (d: Date) => d.toISOString();

describe('cronIssue', () => {
  it.each(['*/5 * * * *', '0 9 * * 1-5', '30 2 * * *', '*/10 * * * * *', '@daily', '0 0 1 jan *', '0 12 * * mon'])('accepts %s', (expr) => {
    expect(cronIssue(expr)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['* * *', /expected 5 fields.*got 3/],
    ['0 0 * * * * *', /got 7/],
    ['61 * * * *', /not a valid cron expression/],
    ['0 0 30 2 *', /not a valid cron expression/],
    ['every day', /expected 5 fields/],
    ['@sometimes', /not a valid cron expression/],
  ])('rejects %j', (expr, why) => {
    expect(cronIssue(expr)).toMatch(why);
  });
});

describe('timezoneIssue', () => {
  it('accepts IANA names and rejects anything else', () => {
    expect(timezoneIssue('Europe/Paris')).toBeNull();
    expect(timezoneIssue('America/New_York')).toBeNull();
    expect(timezoneIssue('UTC')).toBeNull();
    expect(timezoneIssue('Mars/Olympus_Mons')).toMatch(/unknown time zone "Mars\/Olympus_Mons"/);
    expect(timezoneIssue('+99:00')).toMatch(/unknown time zone/);
  });
});

describe('nextRunAt', () => {
  it('adds the interval to the given instant', () => {
    expect(iso(nextRunAt({ kind: 'interval', everySeconds: 90 }, at('2026-01-01T00:00:00.000Z')))).toBe('2026-01-01T00:01:30.000Z');
  });

  it('is strictly after the given instant, in UTC by default', () => {
    expect(iso(nextRunAt(cron('0 9 * * *'), at('2026-01-05T09:00:00.000Z')))).toBe('2026-01-06T09:00:00.000Z');
    expect(iso(nextRunAt(cron('0 9 * * *'), at('2026-01-05T08:59:59.999Z')))).toBe('2026-01-05T09:00:00.000Z');
    expect(iso(nextRunAt(cron('*/15 * * * *'), at('2026-01-05T10:07:12.000Z')))).toBe('2026-01-05T10:15:00.000Z');
  });

  it('evaluates cron in the job time zone', () => {
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(iso(nextRunAt(cron('0 9 * * *', 'Europe/Paris'), at('2026-01-05T12:00:00.000Z')))).toBe('2026-01-06T08:00:00.000Z');
    expect(iso(nextRunAt(cron('0 9 * * *', 'Europe/Paris'), at('2026-07-05T12:00:00.000Z')))).toBe('2026-07-06T07:00:00.000Z');
    // Weekdays only, in the job's zone: Friday evening in New York → Monday 09:00 local.
    expect(iso(nextRunAt(cron('0 9 * * 1-5', 'America/New_York'), at('2026-01-09T23:00:00.000Z')))).toBe('2026-01-12T14:00:00.000Z');
  });

  it('keeps local wall-clock time across daylight-saving changes', () => {
    const daily = cron('0 9 * * *', 'America/New_York');
    // US clocks spring forward on 2026-03-08: 09:00 EST = 14:00 UTC before, 09:00 EDT = 13:00 UTC after.
    expect(iso(nextRunAt(daily, at('2026-03-07T12:00:00.000Z')))).toBe('2026-03-07T14:00:00.000Z');
    expect(iso(nextRunAt(daily, at('2026-03-07T14:00:00.000Z')))).toBe('2026-03-08T13:00:00.000Z');
  });

  it('runs a skipped local time once at the next valid instant, and a repeated one once', () => {
    // 02:30 does not exist on 2026-03-08 in New York (02:00 → 03:00).
    const spring = cron('30 2 * * *', 'America/New_York');
    const first = nextRunAt(spring, at('2026-03-07T12:00:00.000Z'));
    expect(iso(first)).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(nextRunAt(spring, first))).toBe('2026-03-09T06:30:00.000Z');
    // 01:30 happens twice on 2026-11-01 (02:00 EDT → 01:00 EST): one run that day.
    const fall = cron('30 1 * * *', 'America/New_York');
    const once = nextRunAt(fall, at('2026-10-31T12:00:00.000Z'));
    expect(iso(once)).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextRunAt(fall, once))).toBe('2026-11-02T06:30:00.000Z');
  });

  it('builds the schedule from stored columns', () => {
    expect(scheduleOf({ cron: '@daily', timezone: 'UTC', everySeconds: null })).toEqual({ kind: 'cron', cron: '@daily', timezone: 'UTC' });
    expect(scheduleOf({ cron: null, everySeconds: 60 })).toEqual({ kind: 'interval', everySeconds: 60 });
    expect(() => scheduleOf({})).toThrow(RangeError);
  });
});

describe('planDueRun: the missed-run policy', () => {
  const now = at('2026-01-10T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const HOUR = 3600_000;

  it('waits for a run that is due later, capping the timer delay', () => {
    expect(planDueRun(new Date(now.getTime() + 5000), now)).toEqual({ action: 'wait', delayMs: 5000 });
    expect(planDueRun(new Date(now.getTime() + 40 * 24 * HOUR), now)).toEqual({ action: 'wait', delayMs: MAX_TIMER_DELAY_MS });
  });

  it('runs once a run that is due now or was missed by less than the grace window', () => {
    expect(planDueRun(now, now)).toEqual({ action: 'run', missedByMs: 0 });
    expect(planDueRun(ago(3 * HOUR), now)).toEqual({ action: 'run', missedByMs: 3 * HOUR });
    expect(planDueRun(ago(DEFAULT_MISSED_RUN_GRACE_MS - 1), now)).toEqual({ action: 'run', missedByMs: DEFAULT_MISSED_RUN_GRACE_MS - 1 });
  });

  it('skips a run missed by the grace window or more (default 24 h)', () => {
    expect(planDueRun(ago(DEFAULT_MISSED_RUN_GRACE_MS), now)).toEqual({ action: 'skip', missedByMs: DEFAULT_MISSED_RUN_GRACE_MS });
    expect(planDueRun(ago(3 * 24 * HOUR), now)).toEqual({ action: 'skip', missedByMs: 3 * 24 * HOUR });
  });

  it('honours a custom grace window', () => {
    expect(planDueRun(ago(90_000), now, 60_000).action).toBe('skip');
    expect(planDueRun(ago(30_000), now, 60_000).action).toBe('run');
    expect(planDueRun(ago(1), now, 0).action).toBe('skip');
  });
});

describe('describeDuration', () => {
  it('shows the two largest units', () => {
    expect(describeDuration(0)).toBe('0s');
    expect(describeDuration(42_000)).toBe('42s');
    expect(describeDuration((2 * 86400 + 3 * 3600 + 5 * 60) * 1000)).toBe('2d 3h');
    expect(describeDuration(61 * 60_000)).toBe('1h 1m');
  });
});
