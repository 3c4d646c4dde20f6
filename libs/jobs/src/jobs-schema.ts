import { JobEntity } from './job.entity';
import { JobRunEntity } from './job-run.entity';
import { AddJobs1763856000000 } from './migrations/1763856000000-add-jobs.migration';
import { AddJobRuns1797100000000 } from './migrations/1797100000000-add-job-runs.migration';
import { AddJobRunLease1797300000000 } from './migrations/1797300000000-add-job-run-lease.migration';

/** The entities of libs/jobs, for the app's DataSource. */
export const jobsEntities = [JobEntity, JobRunEntity];

/** The migrations of libs/jobs, oldest first. */
export const jobsMigrations = [AddJobs1763856000000, AddJobRuns1797100000000, AddJobRunLease1797300000000];
