import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { McpHub } from '@switchboard/session/server';
import { LOGGER } from '../core/tokens';

/** Connects the MCP servers once the API is up (never holding its start), and closes them on shutdown. */
@Injectable()
export class McpLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly hub: McpHub,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.hub.status().length) return;
    // A slow or down server is reported and retried by the hub; the API serves meanwhile.
    void this.hub.start().then(() => {
      const states = this.hub.status().map((s) => `${s.name}: ${s.state}`);
      this.logger.info({ mcpServers: states }, 'MCP servers started');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.hub.close();
  }
}
