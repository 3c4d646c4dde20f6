import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

/** A larger request body limit for one route (the archive import), through its Fastify route config. */
export const BodyLimit = (bytes: number) => RouteConfig({ bodyLimit: bytes });

/**
 * Applies `@BodyLimit` routes' config as Fastify's per-route `bodyLimit`. Constructed while the
 * modules are instantiated, so its hook is in place before Nest registers the routes.
 */
@Injectable()
export class RouteBodyLimits {
  constructor(host: HttpAdapterHost) {
    const fastify = host.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route) => {
      const limit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
      if (typeof limit === 'number') route.bodyLimit = limit;
    });
  }
}
