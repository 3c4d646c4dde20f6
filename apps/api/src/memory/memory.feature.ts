import type { Provider, Type } from '@nestjs/common';
import { MemoriesController } from './memories.controller';
import { MemorySettingsController } from './memory-settings.controller';
import { memoryProviders } from './memory.providers';

/** What the memory feature adds to the app module. */
export const memoryFeature: { controllers: Type[]; providers: Provider[] } = {
  controllers: [MemoriesController, MemorySettingsController],
  providers: memoryProviders,
};
