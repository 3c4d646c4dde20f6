import { CronExpressionParser } from 'cron-parser';

/** When a job runs: a cron expression in a time zone (UTC by default), or every N seconds. */
export type JobSchedule = { kind: 'cron'; cron: string; timezone: string | null } | { kind: 'interval'; everySeconds: number };

/** A run missed (server down, machine asleep) by less than this is caught up once on start; older ones are skipped. */
export const DEFAULT_MISSED_RUN_GRACE_MS = 24 * 3600 * 1000;

/** setTimeout's ceiling (a larger delay fires at once); longer waits re-arm when this one fires. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The schedule of a stored or requested job (cron wins when both are somehow set). */
export function scheduleOf(job: { cron?: string | null; timezone?: string | null; everySeconds?: number | null }): JobSchedule {
  if (job.cron != null) return { kind: 'cron', cron: job.cron, timezone: job.timezone ?? null };
  if (job.everySeconds != null) return { kind: 'interval', everySeconds: job.everySeconds };
  throw new RangeError('A job needs a cron expression or everySeconds');
}

/** Why a cron expression is unusable (5 fields, or 6 with seconds first, or an @alias), or null when it is fine. */
export function cronIssue(expression: string): string | null {
  const expr = expression.trim();
  if (!expr) return 'must not be empty';
  if (!expr.startsWith('@')) {
    // cron-parser pads missing fields; a 3-field typo must not silently become "every minute".
    const fields = expr.split(/\s+/).length;
    if (fields < 5 || fields > 6) {
      return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; got ${fields}`;
    }
  }
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC' }).next();
    return null;
  } catch (err) {
    return `not a valid cron expression (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Why a time zone name is unusable (must be an IANA name such as Europe/Paris), or null. */
export function timezoneIssue(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `unknown time zone "${timezone}" (use an IANA name such as Europe/Paris or America/New_York)`;
  }
}

/**
 * The first run strictly after `after`. Cron is evaluated in its time zone by cron-parser, so
 * daylight-saving changes are handled: a skipped local time runs at the next valid instant, a
 * repeated one runs once.
 */
export function nextRunAt(schedule: JobSchedule, after: Date): Date {
  if (schedule.kind === 'interval') return new Date(after.getTime() + schedule.everySeconds * 1000);
  return CronExpressionParser.parse(schedule.cron.trim(), { currentDate: after, tz: schedule.timezone ?? 'UTC' })
    .next()
    .toDate();
}

/** What to do about a job's next run: wait (a timer delay, capped), run now, or skip a run missed for too long. */
export type DuePlan = { action: 'wait'; delayMs: number } | { action: 'run'; missedByMs: number } | { action: 'skip'; missedByMs: number };

/**
 * The missed-run policy. A run due in the future waits. A run due in the past (the server was
 * down or asleep) runs once if it was missed by less than `graceMs` — once, however many slots
 * went by — and is skipped otherwise (the caller records `missed` and re-arms from now).
 */
export function planDueRun(dueAt: Date, now: Date, graceMs: number = DEFAULT_MISSED_RUN_GRACE_MS): DuePlan {
  const delta = dueAt.getTime() - now.getTime();
  if (delta > 0) return { action: 'wait', delayMs: Math.min(delta, MAX_TIMER_DELAY_MS) };
  const missedByMs = now.getTime() - dueAt.getTime();
  return missedByMs < graceMs ? { action: 'run', missedByMs } : { action: 'skip', missedByMs };
}

/** A short human duration (`3d 4h`, `12m`, `40s`) for messages. */
export function describeDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const parts: Array<[number, string]> = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const shown = parts.filter(([n]) => n > 0).slice(0, 2);
  return shown.length ? shown.map(([n, u]) => `${n}${u}`).join(' ') : '0s';
}
