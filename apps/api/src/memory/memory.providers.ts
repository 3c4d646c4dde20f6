import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { LoadedConfig } from '@switchboard/models';
import { createEmbeddingClient } from '@switchboard/models/server';
import { routeAgent } from '@switchboard/session';
import type { TransactionRunner } from '@switchboard/persistence';
import { Delegator } from '@switchboard/session/server';
import { InternalEvents } from '../core/internal-events';
import { MemoryService, MemorySettingsStore, MemoryStore, type MemoryServiceOptions, type MemoryTurnContext } from '@switchboard/memory/server';
import { CLUSTER_BUS, DATA_SOURCE, LOADED_CONFIG, LOGGER, TRANSACTION_RUNNER } from '../core/tokens';
import type { ClusterBus } from '../cluster/cluster-bus';
import { MetricsService } from '../metrics/metrics.service';

/** How long shutdown waits for pending extractions before the database closes. */
const SHUTDOWN_FLUSH_MS = 10_000;

/** Memory applies unless the turn's agent profile says `memory: false` (the engine's own routing). */
export function memoryAllowedFor(config: LoadedConfig, ctx: MemoryTurnContext): boolean {
  return routeAgent(config.agents, ctx)?.memory !== false;
}

/** Warms memory at start and flushes pending extractions before the engine and database stop. */
@Injectable()
export class MemoryLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly memory: MemoryService,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
    internal: InternalEvents,
    @Inject(CLUSTER_BUS) bus: ClusterBus,
  ) {
    // Settings changed on another replica (or possibly missed while the bus reconnected): read them again.
    bus.subscribe('cache.invalidate', ({ scope, id }) => {
      if (scope === 'settings' && (id === undefined || id === 'memory')) this.memory.invalidateSettings();
    });
    // A person's only account moved to someone else: their memories follow.
    internal.on('person.merged', async (e) => {
      const moved = await this.memory.reassignPerson(e.from, e.to);
      this.logger.info({ from: e.from, to: e.to, memories: moved }, 'memories moved to the person an account was linked to');
    });
  }

  async onModuleInit(): Promise<void> {
    registerMemoryMetrics(this.memory, this.metrics);
    await this.memory.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SHUTDOWN_FLUSH_MS)));
    const outcome = await Promise.race([this.memory.close().then(() => 'flushed' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.logger.warn({ queue: this.memory.metrics().queue }, 'memory extraction still running at shutdown');
  }
}

/** The memory queue and gate counters on the Prometheus registry (read at scrape time). */
function registerMemoryMetrics(memory: MemoryService, metrics: MetricsService): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'switchboard_memory_queue_depth',
    help: 'Memory extraction events waiting in the debounce queue.',
    registers,
    collect() {
      this.set(memory.metrics().queue.depth);
    },
  });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('switchboard_memory_queue_flushes_total', 'Memory extraction batches handled.', () => memory.metrics().queue.flushes);
  counter('switchboard_memory_queue_drops_total', 'Memory events merged into a full session queue (never lost).', () => memory.metrics().queue.drops);
  counter('switchboard_memory_embedded_total', 'Memories embedded by the background indexer (semantic retrieval).', () => memory.embeddingMetrics()?.embedded ?? 0);
  counter('switchboard_memory_embedding_failures_total', 'Background embedding calls that failed (retried with back-off).', () => memory.embeddingMetrics()?.failures ?? 0);
  counter(
    'switchboard_memory_embedding_fallbacks_total',
    "Turns retrieved lexically alone because the question's embedding failed, was late, or the model was cooling down.",
    () => memory.embeddingMetrics()?.queryFallbacks ?? 0,
  );
  new Counter({
    name: 'switchboard_memory_decisions_total',
    help: 'Memory gate decisions by action and reason code.',
    labelNames: ['action', 'reason'] as const,
    registers,
    collect() {
      this.reset();
      // Decisions are counted per action and per reason separately; the reason implies the action.
      for (const [reason, n] of Object.entries(memory.metrics().reasons)) this.inc({ action: actionOf(reason), reason }, n);
    },
  });
}

function actionOf(reason: string): string {
  if (reason === 'NEW') return 'accepted';
  if (reason === 'MERGED_RICHER') return 'merged';
  if (reason === 'CONTRADICTION' || reason === 'UPDATED') return 'superseded';
  return 'rejected';
}

/** The embedding model of `memory.embeddings` (semantic retrieval), or null: retrieval is then lexical alone. */
export function memoryEmbeddingsFor(config: LoadedConfig): MemoryServiceOptions['embeddings'] {
  const embeddings = config.memory.embeddings;
  if (!embeddings) return null;
  return {
    model: createEmbeddingClient(embeddings, config.providers[embeddings.provider]),
    batchSize: embeddings.batchSize,
    queryTimeoutMs: embeddings.queryTimeoutMs,
  };
}

export const memoryProviders: Provider[] = [
  {
    provide: MemoryService,
    inject: [DATA_SOURCE, TRANSACTION_RUNNER, Delegator, LOADED_CONFIG, LOGGER, InternalEvents],
    useFactory: (ds: DataSource, tx: TransactionRunner, delegator: Delegator, config: LoadedConfig, logger: Logger, internal: InternalEvents) => {
      // The same serialised runner as the session stores: one lock over the shared SQLite connection.
      return new MemoryService({
        store: MemoryStore.create(ds, tx),
        settings: new MemorySettingsStore(ds, tx),
        // Extraction is delegated work like any other: failover, depth guard, usage under its role.
        delegate: delegator,
        // The engine depends on memory (hooks); memory tells conversations through an internal event.
        notify: (sessionId, text, memoryIds) => internal.emit('memory.saved', { sessionId, text, memoryIds }),
        explain: (sessionId, text) => internal.emit('memory.not_stored', { sessionId, text }),
        allowed: (ctx) => memoryAllowedFor(config, ctx),
        logger: logger.child({ component: 'memory' }),
        embeddings: memoryEmbeddingsFor(config),
      });
    },
  },
  MemoryLifecycle,
];
