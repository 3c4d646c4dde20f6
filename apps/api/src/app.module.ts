import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import type { LoadedConfig } from '@switchboard/models';
import type { ApiEnv } from './config/api-env';
import { API_ENV, API_TOKEN, LOADED_CONFIG, LOGGER } from './core/tokens';
import { AuthFailureLimiter } from './core/auth-failure-limiter';
import { ApiExceptionFilter } from './core/api-exception.filter';
import { engineProviders } from './engine/engine.providers';
import { HealthController } from './health/health.controller';
import { UsageController } from './usage/usage.controller';
import { SessionsController } from './sessions/sessions.controller';
import { ModelsController } from './models/models.controller';
import { ChatCompletionsController } from './openai/chat-completions.controller';
import { openAiDoor } from './openai/openai-door';
import { DocsController } from './docs/docs.controller';
import { WsGateway } from './gateway/ws.gateway';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { JobScheduler } from './jobs/job-scheduler';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { memoryFeature } from './memory/memory.feature';
import { AccessController } from './access/access.controller';
import { AccessService } from './access/access.service';
import { TranscriptionsController } from './transcriptions/transcriptions.controller';
import { TranscriptionService } from './transcriptions/transcription.service';
import { DeliveryCursorsController } from './delivery/delivery-cursors.controller';
import { DeliveryCursorsService } from './delivery/delivery-cursors.service';

export interface AppModuleOptions {
  env: ApiEnv;
  token: string;
  config: LoadedConfig;
  logger: Logger;
}

/** The API: thin controllers and a gateway over the one session engine. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, SessionsController, UsageController, ModelsController, ChatCompletionsController, ...openAiDoor.controllers, DocsController, AccessController, TranscriptionsController, ...memoryFeature.controllers, JobsController, MetricsController, DeliveryCursorsController],
      providers: [
        { provide: API_ENV, useValue: options.env },
        { provide: API_TOKEN, useValue: options.token },
        { provide: LOADED_CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: options.logger },
        // Token auth is the request gate's (core/request-gate.ts), before any body is read.
        { provide: AuthFailureLimiter, useValue: new AuthFailureLimiter(options.env.limits.authFailuresPerMinute) },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        ...engineProviders,
        ...memoryFeature.providers,
        ...openAiDoor.providers,
        WsGateway,
        AccessService,
        TranscriptionService,
        DeliveryCursorsService,
        // Jobs start after the engine (onApplicationBootstrap) and stop before it (beforeApplicationShutdown).
        JobScheduler,
        JobsService,
        MetricsService,
      ],
    };
  }
}
