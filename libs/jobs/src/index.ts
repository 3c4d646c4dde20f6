/** Scheduled jobs, pure code (safe for the browser): schedules, missed runs, config job definitions. */
export * from './job-schedule';
export * from './job-definition';
