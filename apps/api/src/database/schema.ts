import { sessionEntities, sessionMigrations } from '@switchboard/session/server';
import { memoryEntities, memoryMigrations } from '@switchboard/memory/server';
import { peopleEntities, peopleMigrations } from '@switchboard/people/server';
import { jobsEntities, jobsMigrations } from '@switchboard/jobs/server';

/**
 * Every lib owns its tables; the API's one DataSource is the union of their entities and
 * migrations (TypeORM runs them in timestamp order across libs, so the order is stable).
 */
export const databaseEntities = [...sessionEntities, ...peopleEntities, ...jobsEntities, ...memoryEntities];
export const databaseMigrations = [...sessionMigrations, ...peopleMigrations, ...jobsMigrations, ...memoryMigrations];
