import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ModelCatalog, type LoadedConfig } from '@switchboard/models';
import { FailoverRunner, ModelRunner } from '@switchboard/models/server';
import {
  Delegator,
  SessionEngine,
  SessionRepository,
  WalCheckpointer,
  createSqliteDataSource,
  runMigrations,
  type TransactionRunner,
} from '@switchboard/session/server';
import { databaseEntities, databaseMigrations } from '../database/schema';
import { API_ENV, DATA_SOURCE, LOADED_CONFIG, LOGGER, TRANSACTION_RUNNER } from '../core/tokens';
import { appTransactionRunner } from '../database/app-transaction-runner';
import { DATABASE_FILE, secureDataDir } from '../database/data-dir';
import type { ApiEnv } from '../config/api-env';
import { EventHub } from './event-hub';
import { MetricsService } from '../metrics/metrics.service';
import { ENGINE_EXTENSIONS, engineExtensionsProvider, type EngineExtensions } from './engine-extensions';

/** Owns the engine's lifecycle: recovery on start, graceful stop on shutdown. */
@Injectable()
export class EngineLifecycle implements OnModuleInit, OnApplicationShutdown {
  private checkpointer: WalCheckpointer | null = null;

  constructor(
    private readonly engine: SessionEngine,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    // SQLite's checkpoints run on a background thread, not inside a turn's COMMIT.
    this.checkpointer = WalCheckpointer.start(this.dataSource, {
      onError: (err) => this.logger.warn({ err: err.message }, 'background WAL checkpoints stopped; the writer checkpoints again'),
    });
    if (this.checkpointer && !(await this.checkpointer.ready)) this.checkpointer = null;
    await this.engine.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    await this.checkpointer?.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info('engine stopped');
  }
}

export const engineProviders: Provider[] = [
  {
    provide: DATA_SOURCE,
    inject: [API_ENV],
    useFactory: async (env: ApiEnv): Promise<DataSource> => {
      secureDataDir(env.dataDir);
      const ds = createSqliteDataSource({
        file: join(env.dataDir, DATABASE_FILE),
        entities: databaseEntities,
        migrations: databaseMigrations,
      });
      await ds.initialize();
      await runMigrations(ds);
      return ds;
    },
  },
  {
    provide: ModelCatalog,
    inject: [LOADED_CONFIG],
    useFactory: (config: LoadedConfig) => new ModelCatalog(config),
  },
  {
    provide: ModelRunner,
    inject: [LOADED_CONFIG, ModelCatalog],
    useFactory: (config: LoadedConfig, catalog: ModelCatalog) => new ModelRunner({ config, catalog }),
  },
  {
    provide: FailoverRunner,
    inject: [ModelRunner, ModelCatalog, LOADED_CONFIG],
    useFactory: (runner: ModelRunner, catalog: ModelCatalog, config: LoadedConfig) => new FailoverRunner(runner, catalog, config.failover),
  },
  {
    provide: TRANSACTION_RUNNER,
    inject: [DATA_SOURCE, LOGGER],
    useFactory: appTransactionRunner,
  },
  {
    provide: SessionRepository,
    inject: [DATA_SOURCE, TRANSACTION_RUNNER],
    useFactory: (ds: DataSource, tx: TransactionRunner) => new SessionRepository(ds, tx),
  },
  {
    // The one way to delegate side work (compaction, titles, tool summaries, memory extraction):
    // failover, the depth guard and per-role usage for every delegated call.
    provide: Delegator,
    inject: [FailoverRunner, ModelCatalog, SessionRepository, LOADED_CONFIG, LOGGER, MetricsService],
    useFactory: (runner: FailoverRunner, catalog: ModelCatalog, repo: SessionRepository, config: LoadedConfig, logger: Logger, metrics: MetricsService) =>
      new Delegator({ streamer: runner, catalog, repo, limits: config.limits, log: logger, onUsage: (u) => metrics.recordUsage(u) }),
  },
  { provide: EventHub, useValue: new EventHub() },
  engineExtensionsProvider,
  {
    provide: SessionEngine,
    inject: [SessionRepository, ModelCatalog, LOADED_CONFIG, FailoverRunner, EventHub, LOGGER, ENGINE_EXTENSIONS, Delegator, MetricsService],
    useFactory: (
      repo: SessionRepository,
      catalog: ModelCatalog,
      config: LoadedConfig,
      runner: FailoverRunner,
      hub: EventHub,
      logger: Logger,
      ext: EngineExtensions,
      delegator: Delegator,
      metrics: MetricsService,
    ) =>
      new SessionEngine({
        repo,
        catalog,
        config,
        streamer: runner,
        events: hub,
        logger,
        hooks: ext.hooks,
        commands: ext.commands,
        tools: ext.tools,
        delegator,
        // Usage that no turn event carries (stateless OpenAI-door calls) reaches the metrics this way.
        onUsage: (u) => metrics.recordUsage(u),
      }),
  },
  EngineLifecycle,
];
