import { Controller, Get, Inject } from '@nestjs/common';
import { secretScrubber, type ToolInfo, type ToolsResponse } from '@switchboard/protocol';
import { configSecrets, type LoadedConfig } from '@switchboard/models';
import { MemoryService, memoryTools } from '@switchboard/memory/server';
import { builtinTools, Delegator, McpHub, SessionRepository } from '@switchboard/session/server';
import { LOADED_CONFIG } from '../core/tokens';

/** The tools agents can be allowed (`tools` in an agent profile), with where each comes from. */
@Controller('api/v1')
export class ToolsController {
  private readonly fixed: ToolInfo[];
  private readonly scrub: (text: string) => string;

  constructor(
    private readonly hub: McpHub,
    @Inject(LOADED_CONFIG) config: LoadedConfig,
    repo: SessionRepository,
    delegator: Delegator,
    memory: MemoryService,
  ) {
    // The same constructors the engine's tools come from, so the list cannot drift from them.
    const info = (source: 'builtin' | 'memory') => (t: { name: string; description: string }): ToolInfo => ({
      name: t.name,
      modelName: t.name,
      source,
      server: null,
      description: t.description,
      available: true,
    });
    this.fixed = [
      ...builtinTools({ repo, delegator, webFetch: config.tools.webFetch }).map(info('builtin')),
      ...memoryTools(memory).map(info('memory')),
    ];
    // MCP errors can echo a server's URL or headers: every configured secret is scrubbed, and
    // here every header and environment value too (this answer is for clients, not operators).
    const mcpValues = Object.values(config.mcpServers).flatMap((s) => Object.values('url' in s ? s.headers : s.env));
    this.scrub = secretScrubber([...configSecrets(config), ...mcpValues]);
  }

  @Get('tools')
  list(): ToolsResponse {
    const servers = this.hub.status();
    const mcp = servers.flatMap((s) =>
      s.tools.map((t): ToolInfo => ({ name: t.name, modelName: t.modelName, source: 'mcp', server: s.name, description: t.description, available: s.state === 'connected' })),
    );
    return {
      tools: [...this.fixed, ...mcp],
      mcpServers: servers.map((s) => ({
        name: s.name,
        transport: s.transport,
        state: s.state,
        error: s.error ? this.scrub(s.error) : null,
        connectedAt: s.connectedAt,
        nextRetryAt: s.nextRetryAt,
        tools: s.tools.map((t) => t.name),
      })),
    };
  }
}
