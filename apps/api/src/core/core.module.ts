import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { LoadedConfig } from '@switchboard/models';
import type { ApiEnv } from '../config/api-env';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { InternalEvents } from './internal-events';
import { API_ENV, API_TOKEN, LOADED_CONFIG, LOGGER, CLOCK } from './tokens';

export interface CoreModuleOptions {
  env: ApiEnv;
  token: string;
  config: LoadedConfig;
  logger: Logger;
  /** What time it is, for daily budgets (tests move it); the system clock by default. */
  clock?: () => Date;
}

const SHARED = [API_ENV, API_TOKEN, LOADED_CONFIG, LOGGER, CLOCK, AuthFailureLimiter, InternalEvents];

/** The values every feature reads (validated env, token, config, logger) and the auth-failure limiter; global, like a config module. */
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      providers: [
        { provide: API_ENV, useValue: options.env },
        { provide: API_TOKEN, useValue: options.token },
        { provide: LOADED_CONFIG, useValue: options.config },
        { provide: LOGGER, useValue: options.logger },
        { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
        // Features react to each other's events through this bus instead of reaching into each other.
        { provide: InternalEvents, useValue: new InternalEvents() },
        // Token auth is the request gate's (core/request-gate.ts), before any body is read; the gateway shares the limiter.
        { provide: AuthFailureLimiter, useValue: new AuthFailureLimiter(options.env.limits.authFailuresPerMinute) },
      ],
      exports: SHARED,
    };
  }
}
