/** Memory, server side (Node): everything from the pure entry plus entities, migration, store, queue, service and tools. */
export * from './index';
export { MemoryEntity } from './db/memory.entity';
export { MemoryHistoryEntity, type MemoryHistoryAction } from './db/memory-history.entity';
export { MemorySettingEntity } from './db/memory-setting.entity';
export { InitMemory1763856000000 } from './db/migrations/1763856000000-init-memory.migration';
export { AddMemoryOwners1796800002000 } from './db/migrations/1796800002000-add-memory-owners.migration';
export { memoryEntities, memoryMigrations } from './db/memory-schema';
export * from './db/fts/memory-search-index';
export * from './db/fts/sqlite-memory-fts';
export * from './db/fts/postgres-memory-fts';
export * from './store/memory.store';
export * from './store/memory-settings.store';
export * from './queue/debounce-queue';
export * from './service/memory.service';
export * from './service/memory-tools';
export * from './service/memory-command';
