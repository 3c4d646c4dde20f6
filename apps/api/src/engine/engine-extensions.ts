import type { Provider } from '@nestjs/common';
import type { ToolSpec } from '@switchboard/models';
import type { CommandExtension, TurnHooks } from '@switchboard/session/server';
import type { DataSource } from 'typeorm';
import { MemoryService, memoryCommand, memoryTools } from '@switchboard/memory/server';
import { PreferenceStore } from '@switchboard/session/server';
import { PeopleService } from '@switchboard/people/server';
import { DATA_SOURCE } from '../core/tokens';
import { deliveryCursorsHook } from '../delivery/delivery-cursors.service';

/** What other features plug into the one session engine: turn hooks, commands, tools. */
export interface EngineExtensions {
  hooks: TurnHooks[];
  commands: CommandExtension[];
  tools: ToolSpec[];
}

export const ENGINE_EXTENSIONS = Symbol('ENGINE_EXTENSIONS');

/** Features add their contributions here (each by injecting its own service). */
export const engineExtensionsProvider: Provider = {
  provide: ENGINE_EXTENSIONS,
  inject: [MemoryService, PeopleService, DATA_SOURCE],
  useFactory: (memory: MemoryService, people: PeopleService, ds: DataSource): EngineExtensions => ({
    hooks: [memory.turnHook(), deliveryCursorsHook(new PreferenceStore(ds.manager))],
    commands: [memoryCommand(memory), { name: 'whoami', run: async (ctx) => ({ text: await people.describe(ctx.speaker, ctx.groupId) }) }],
    tools: memoryTools(memory),
  }),
};
