import type { Job } from '@switchboard/protocol';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const NAMED: Record<string, string> = {
  '@yearly': 'every year on 1 January at 00:00',
  '@annually': 'every year on 1 January at 00:00',
  '@monthly': 'on the 1st of every month at 00:00',
  '@weekly': 'every Sunday at 00:00',
  '@daily': 'every day at 00:00',
  '@midnight': 'every day at 00:00',
  '@hourly': 'every hour, on the hour',
};

function plural(n: number, unit: string): string {
  return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
}

/** 90 → "every 90 seconds", 900 → "every 15 minutes", 7200 → "every 2 hours", 86400 → "every day". */
export function everyInWords(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'every day' : plural(seconds / 86_400, 'day');
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

const isNum = (s: string) => /^\d+$/.test(s);
const pad = (s: string) => s.padStart(2, '0');

function weekdays(field: string): string | null {
  if (field === '*') return null;
  if (field === '1-5') return 'Monday to Friday';
  if (field === '0,6' || field === '6,0') return 'Saturday and Sunday';
  const range = /^([0-7])-([0-7])$/.exec(field);
  if (range) return `${SHORT_DAYS[Number(range[1]) % 7]}–${SHORT_DAYS[Number(range[2]) % 7]}`;
  if (/^[0-7](,[0-7])*$/.test(field)) {
    const names = field.split(',').map((d) => DAYS[Number(d) % 7]);
    return names.length === 1 ? names[0] : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
  }
  return null;
}

/**
 * A cron expression in words for the common shapes ("every day at 08:00", "every 15 minutes",
 * "Monday to Friday at 08:30"); anything else is shown as the expression itself.
 */
export function cronInWords(cron: string): string {
  const expr = cron.trim();
  if (NAMED[expr.toLowerCase()]) return NAMED[expr.toLowerCase()];
  let parts = expr.split(/\s+/);
  if (parts.length === 6) {
    if (parts[0] !== '0') return `cron ${expr}`;
    parts = parts.slice(1);
  }
  if (parts.length !== 5) return `cron ${expr}`;
  const [min, hour, dom, mon, dow] = parts;
  if (mon !== '*') return `cron ${expr}`;
  const everyMin = /^\*\/(\d+)$/.exec(min);
  if (everyMin && hour === '*' && dom === '*' && dow === '*') return plural(Number(everyMin[1]), 'minute');
  if (min === '*' && hour === '*' && dom === '*' && dow === '*') return 'every minute';
  const everyHour = /^\*\/(\d+)$/.exec(hour);
  if (isNum(min) && everyHour && dom === '*' && dow === '*') return `${plural(Number(everyHour[1]), 'hour')} at minute ${Number(min)}`;
  if (isNum(min) && hour === '*' && dom === '*' && dow === '*') return Number(min) === 0 ? 'every hour, on the hour' : `every hour at minute ${Number(min)}`;
  if (!isNum(min) || !/^\d+(,\d+)*$/.test(hour)) return `cron ${expr}`;
  const times = hour
    .split(',')
    .map((h) => `${pad(h)}:${pad(min)}`)
    .join(' and ');
  if (dom === '*') {
    const days = weekdays(dow);
    if (dow === '*') return `every day at ${times}`;
    return days ? `${days} at ${times}` : `cron ${expr}`;
  }
  if (isNum(dom) && dow === '*') return `on day ${Number(dom)} of every month at ${times}`;
  return `cron ${expr}`;
}

/** A job's schedule in words, with its time zone when it has one. */
export function scheduleInWords(job: Pick<Job, 'cron' | 'everySeconds' | 'timezone'>): string {
  if (job.everySeconds != null) return everyInWords(job.everySeconds);
  if (job.cron) return cronInWords(job.cron) + (job.timezone && job.timezone !== 'UTC' ? ` (${job.timezone})` : ' (UTC)');
  return 'no schedule';
}
