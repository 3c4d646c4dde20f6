import { Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ApiEnv } from '../config/api-env';
import { API_ENV, CLUSTER_BUS, LOGGER } from '../core/tokens';
import { LocalClusterBus, type ClusterBus } from './cluster-bus';
import { PostgresClusterBus } from './postgres-cluster-bus';

/**
 * The bus between API replicas (global): features publish what other replicas must know and
 * subscribe to what they must hear. On PostgreSQL it is LISTEN/NOTIFY on the same database;
 * with SQLite the process is alone and the bus delivers nothing. Closed by the cluster relay
 * after the engine has stopped (its last events still go out).
 */
@Global()
@Module({
  providers: [
    {
      provide: CLUSTER_BUS,
      inject: [API_ENV, LOGGER],
      useFactory: async (env: ApiEnv, logger: Logger): Promise<ClusterBus> => {
        if (!env.database.url) return new LocalClusterBus(env.replica.id);
        const bus = new PostgresClusterBus({ url: env.database.url, replicaId: env.replica.id, logger });
        await bus.start();
        return bus;
      },
    },
  ],
  exports: [CLUSTER_BUS],
})
export class ClusterModule {}
