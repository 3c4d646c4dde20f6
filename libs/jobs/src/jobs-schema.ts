import { JobEntity } from './job.entity';
import { AddJobs1763856000000 } from './migrations/1763856000000-add-jobs.migration';

/** The entities of libs/jobs, for the app's DataSource. */
export const jobsEntities = [JobEntity];

/** The migrations of libs/jobs, oldest first. */
export const jobsMigrations = [AddJobs1763856000000];
