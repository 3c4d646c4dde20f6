import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ModelCatalog, type LoadedConfig } from '@switchboard/models';
import { FailoverRunner } from '@switchboard/models/server';
import { Delegator, McpHub, SessionEngine, SessionRepository, routeAgent, withAgentTools } from '@switchboard/session/server';
import { API_ENV, CLUSTER_BUS, LOADED_CONFIG, LOGGER } from '../core/tokens';
import type { ApiEnv } from '../config/api-env';
import type { ClusterBus } from '../cluster/cluster-bus';
import { ClusterRelay } from '../cluster/cluster-relay';
import { DatabaseModule } from '../database/database.module';
import { MemoryModule } from '../memory/memory.module';
import { PeopleModule } from '../people/people.module';
import { PeopleService } from '@switchboard/people/server';
import { MetricsModule } from '../metrics/metrics.module';
import { ToolsModule } from '../tools/tools.module';
import { InternalEvents } from '../core/internal-events';
import { DelegationModule } from './delegation.module';
import { ENGINE_EXTENSIONS, engineExtensionsProvider, type EngineExtensions } from './engine-extensions';
import { EngineLifecycle } from './engine-lifecycle';
import { EventHub } from './event-hub';
import { EventHubModule } from './event-hub.module';

/**
 * The one session engine and its lifecycle. Memory sits below it (its hook, command and tools
 * are engine extensions), so memory starts before the engine and flushes before it stops.
 * Re-exports the database, the delegation layer and the event hub: a feature imports this one module.
 */
@Module({
  imports: [DatabaseModule, DelegationModule, EventHubModule, MetricsModule, MemoryModule, PeopleModule, ToolsModule],
  providers: [
    engineExtensionsProvider,
    {
      provide: SessionEngine,
      inject: [SessionRepository, ModelCatalog, LOADED_CONFIG, FailoverRunner, EventHub, LOGGER, ENGINE_EXTENSIONS, Delegator, InternalEvents, PeopleService, CLUSTER_BUS, API_ENV, McpHub],
      useFactory: (
        repo: SessionRepository,
        catalog: ModelCatalog,
        config: LoadedConfig,
        runner: FailoverRunner,
        hub: EventHub,
        logger: Logger,
        ext: EngineExtensions,
        delegator: Delegator,
        internal: InternalEvents,
        people: PeopleService,
        bus: ClusterBus,
        env: ApiEnv,
        mcp: McpHub,
      ) =>
        new SessionEngine({
          repo,
          catalog,
          config,
          // MCP tools come and go with their servers: each turn's call gets those its agent's list allows.
          streamer: Object.keys(config.mcpServers).length
            ? withAgentTools(runner, mcp, async (ctx) =>
                routeAgent(config.agents, (ctx.sessionId ? await repo.sessions.get(ctx.sessionId) : null) ?? { channel: ctx.channel, peerId: ctx.peerId }),
              )
            : runner,
          events: hub,
          logger,
          hooks: ext.hooks,
          commands: ext.commands,
          tools: ext.tools,
          delegator,
          people,
          // Replicas on one PostgreSQL database: turn leases, recovery of a dead replica's turns, stops relayed.
          ...(bus.shared
            ? { replica: { id: bus.replicaId, leaseMs: env.replica.turnLeaseSeconds * 1000, requestStop: (sessionId: string) => bus.publish('turn.stop', { sessionId }) } }
            : {}),
          // Usage that no turn event carries (stateless OpenAI-door calls) reaches the metrics this way.
          onUsage: (u) => void internal.emit('usage.recorded', u),
        }),
    },
    EngineLifecycle,
    ClusterRelay,
  ],
  exports: [SessionEngine, DatabaseModule, DelegationModule, EventHubModule],
})
export class EngineModule {}
