import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CoreModule, type CoreModuleOptions } from './core/core.module';
import { ApiExceptionFilter } from './core/api-exception.filter';
import { HealthModule } from './health/health.module';
import { SessionsModule } from './sessions/sessions.module';
import { UsageModule } from './usage/usage.module';
import { ModelsModule } from './models/models.module';
import { OpenAiModule } from './openai/openai.module';
import { DocsModule } from './docs/docs.module';
import { AccessModule } from './access/access.module';
import { PeopleModule } from './people/people.module';
import { TranscriptionsModule } from './transcriptions/transcriptions.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { MemoryModule } from './memory/memory.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { DeliveryModule } from './delivery/delivery.module';
import { GatewayModule } from './gateway/gateway.module';
import { ClusterModule } from './cluster/cluster.module';

export type AppModuleOptions = CoreModuleOptions;

/**
 * The API: one Nest module per feature over the engine module (engine → memory → delegation →
 * database, metrics → event hub). Nest runs init hooks deepest module first and shutdown hooks
 * shallowest first, so memory starts before the engine, and jobs (bootstrap, after every init)
 * then memory stop before the engine and the database close.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        ClusterModule,
        HealthModule,
        SessionsModule,
        UsageModule,
        ModelsModule,
        OpenAiModule,
        DocsModule,
        AccessModule,
        PeopleModule,
        TranscriptionsModule,
        AttachmentsModule,
        MemoryModule,
        JobsModule,
        MetricsModule,
        DeliveryModule,
        GatewayModule,
      ],
      // Global wherever it is registered; here so e2e tests that import the app get it.
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
