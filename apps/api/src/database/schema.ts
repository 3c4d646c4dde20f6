import { sessionEntities, sessionMigrations } from '@switchboard/session/server';
import { memoryEntities, memoryMigrations } from '@switchboard/memory/server';

/**
 * Every lib owns its tables; the API's one DataSource is the union of their entities and
 * migrations (each lib's migrations keep their own timestamps, so order is stable).
 */
export const databaseEntities = [...sessionEntities, ...memoryEntities];
export const databaseMigrations = [...sessionMigrations, ...memoryMigrations];
