/** Scheduled jobs (server-only): table, store, and the pure schedule and missed-run helpers. */
export * from './job-schedule';
export * from './job.store';
export { JobEntity } from './job.entity';
export { AddJobs1763856000000 } from './1763856000000-add-jobs.migration';
export * from './job-definition';
