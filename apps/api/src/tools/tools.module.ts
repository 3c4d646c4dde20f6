import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { LoadedConfig } from '@switchboard/models';
import { McpHub } from '@switchboard/session/server';
import { LOADED_CONFIG, LOGGER } from '../core/tokens';
import { DatabaseModule } from '../database/database.module';
import { DelegationModule } from '../engine/delegation.module';
import { MemoryModule } from '../memory/memory.module';
import { McpLifecycle } from './mcp-lifecycle';
import { ToolsController } from './tools.controller';

/**
 * Tools beyond what libs contribute at build time: the MCP servers of the config file (one hub,
 * connected after start, closed on shutdown) and the tools list. The engine module imports it,
 * so it starts before the engine and closes after the engine has stopped its turns.
 */
@Module({
  imports: [DatabaseModule, DelegationModule, MemoryModule],
  providers: [
    {
      provide: McpHub,
      inject: [LOADED_CONFIG, LOGGER],
      useFactory: (config: LoadedConfig, logger: Logger) => new McpHub({ servers: config.mcpServers, log: logger }),
    },
    McpLifecycle,
  ],
  controllers: [ToolsController],
  exports: [McpHub],
})
export class ToolsModule {}
