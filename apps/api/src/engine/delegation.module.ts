import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ModelCatalog, type LoadedConfig } from '@switchboard/models';
import { FailoverRunner, ModelRunner } from '@switchboard/models/server';
import { Delegator, SessionRepository } from '@switchboard/session/server';
import { LOADED_CONFIG, LOGGER } from '../core/tokens';
import { InternalEvents } from '../core/internal-events';
import { DatabaseModule } from '../database/database.module';
import { TokenCalibrationSync } from './token-calibration.sync';

/** The model catalog, the runners and the Delegator: what turns and delegated work (memory extraction included) call models through. */
@Module({
  imports: [DatabaseModule],
  providers: [
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
      // The one way to delegate side work (compaction, titles, tool summaries, memory extraction):
      // failover, the depth guard and per-role usage for every delegated call.
      provide: Delegator,
      inject: [FailoverRunner, ModelCatalog, SessionRepository, LOADED_CONFIG, LOGGER, InternalEvents],
      useFactory: (runner: FailoverRunner, catalog: ModelCatalog, repo: SessionRepository, config: LoadedConfig, logger: Logger, events: InternalEvents) =>
        new Delegator({ streamer: runner, catalog, repo, limits: config.limits, log: logger, onUsage: (u) => void events.emit('usage.recorded', u) }),
    },
    // Token counts calibrated from providers' reports survive restarts and reach other replicas.
    TokenCalibrationSync,
  ],
  exports: [ModelCatalog, ModelRunner, FailoverRunner, Delegator],
})
export class DelegationModule {}
