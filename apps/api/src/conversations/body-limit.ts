import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { LoadedConfig } from '@switchboard/models';
import { LOADED_CONFIG } from '../core/tokens';

/**
 * A larger request body limit for one route (the archive import; the OpenAI door, whose JSON
 * carries images), through its Fastify route config: bytes, or bytes from the loaded config.
 */
export const BodyLimit = (bytes: number | ((config: LoadedConfig) => number)) => RouteConfig({ bodyLimit: bytes });

/**
 * Applies `@BodyLimit` routes' config as Fastify's per-route `bodyLimit`. Constructed while the
 * modules are instantiated, so its hook is in place before Nest registers the routes.
 */
@Injectable()
export class RouteBodyLimits {
  constructor(host: HttpAdapterHost, @Inject(LOADED_CONFIG) config: LoadedConfig) {
    const fastify = host.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route) => {
      const limit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
      if (typeof limit === 'number') route.bodyLimit = limit;
      else if (typeof limit === 'function') route.bodyLimit = (limit as (c: LoadedConfig) => number)(config);
    });
  }
}
