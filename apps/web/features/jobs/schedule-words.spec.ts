import { cronInWords, everyInWords, scheduleInWords } from './schedule-words';

describe('schedule in words', () => {
  it('words intervals in the largest whole unit', () => {
    expect(everyInWords(1)).toBe('every second');
    expect(everyInWords(90)).toBe('every 90 seconds');
    expect(everyInWords(900)).toBe('every 15 minutes');
    expect(everyInWords(7200)).toBe('every 2 hours');
    expect(everyInWords(86_400)).toBe('every day');
    expect(everyInWords(3 * 86_400)).toBe('every 3 days');
  });

  it('words the common cron shapes', () => {
    expect(cronInWords('0 8 * * *')).toBe('every day at 08:00');
    expect(cronInWords('30 8 * * 1-5')).toBe('Monday to Friday at 08:30');
    expect(cronInWords('0 9 * * 1')).toBe('Monday at 09:00');
    expect(cronInWords('0 9,17 * * *')).toBe('every day at 09:00 and 17:00');
    expect(cronInWords('*/15 * * * *')).toBe('every 15 minutes');
    expect(cronInWords('0 * * * *')).toBe('every hour, on the hour');
    expect(cronInWords('0 7 1 * *')).toBe('on day 1 of every month at 07:00');
    expect(cronInWords('@weekly')).toBe('every Sunday at 00:00');
    expect(cronInWords('0 0 8 * * *')).toBe('every day at 08:00');
  });

  it('falls back to the expression for shapes it does not word', () => {
    expect(cronInWords('0 8 * 1 *')).toBe('cron 0 8 * 1 *');
    expect(cronInWords('5-10 8 * * *')).toBe('cron 5-10 8 * * *');
  });

  it('adds the time zone to cron schedules only', () => {
    expect(scheduleInWords({ cron: '0 8 * * *', timezone: 'Europe/Paris', everySeconds: null })).toBe('every day at 08:00 (Europe/Paris)');
    expect(scheduleInWords({ cron: '0 8 * * *', timezone: null, everySeconds: null })).toBe('every day at 08:00 (UTC)');
    expect(scheduleInWords({ cron: null, timezone: null, everySeconds: 60 })).toBe('every minute');
  });
});
