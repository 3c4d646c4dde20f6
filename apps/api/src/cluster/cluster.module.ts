import { Global, Module } from '@nestjs/common';
import type { ApiEnv } from '../config/api-env';
import { API_ENV, CLUSTER_BUS } from '../core/tokens';
import { LocalClusterBus, type ClusterBus } from './cluster-bus';

/** The bus between API replicas (global): features publish what other replicas must know and subscribe to what they must hear. */
@Global()
@Module({
  providers: [
    {
      provide: CLUSTER_BUS,
      inject: [API_ENV],
      useFactory: (env: ApiEnv): ClusterBus => new LocalClusterBus(env.replica.id),
    },
  ],
  exports: [CLUSTER_BUS],
})
export class ClusterModule {}
