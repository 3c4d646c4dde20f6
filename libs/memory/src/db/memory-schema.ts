import { MemoryHistoryEntity } from './memory-history.entity';
import { MemorySettingEntity } from './memory-setting.entity';
import { MemoryEntity } from './memory.entity';
import { InitMemory1763856000000 } from './migrations/1763856000000-init-memory.migration';
import { AddMemoryOwners1796800002000 } from './migrations/1796800002000-add-memory-owners.migration';
import { AddMemoryHistoryActor1797000000000 } from './migrations/1797000000000-add-memory-history-actor.migration';
import { AddMemorySearchVector1797400000000 } from './migrations/1797400000000-add-memory-search-vector.migration';
import { AddMemoryGlobalRecentIndex1797400001000 } from './migrations/1797400001000-add-memory-global-recent-index.migration';
import { ReindexMemoryTokens1797600000000 } from './migrations/1797600000000-reindex-memory-tokens.migration';
import { AddMemoryEmbeddings1797800000000 } from './migrations/1797800000000-add-memory-embeddings.migration';

/** The entities of libs/memory, for the app's DataSource. */
export const memoryEntities = [MemoryEntity, MemoryHistoryEntity, MemorySettingEntity];

/** The migrations of libs/memory, oldest first. */
export const memoryMigrations = [
  InitMemory1763856000000,
  AddMemoryOwners1796800002000,
  AddMemoryHistoryActor1797000000000,
  AddMemorySearchVector1797400000000,
  AddMemoryGlobalRecentIndex1797400001000,
  ReindexMemoryTokens1797600000000,
  AddMemoryEmbeddings1797800000000,
];
