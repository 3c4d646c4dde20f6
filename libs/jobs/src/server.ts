/** Server-only code of libs/jobs: the `jobs` table, its migration and store. */
export * from './index';
export * from './job.store';
export { JobEntity } from './job.entity';
export { JobRunEntity } from './job-run.entity';
export { jobsEntities, jobsMigrations } from './jobs-schema';
