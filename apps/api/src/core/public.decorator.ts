import { RouteConfig } from '@nestjs/platform-fastify';
import type { RouteGateConfig } from './request-gate';

/**
 * Marks a route that needs no token (health, API docs); the request gate reads it from the
 * route's Fastify config. `unlimited` also takes it out of the request-rate limit (probes).
 */
export const Public = (options: { unlimited?: boolean } = {}) =>
  RouteConfig({ public: true, ...(options.unlimited ? { rateLimit: false } : {}) } satisfies RouteGateConfig);

/** The media types a route reads as its raw body (instead of JSON); anything else is refused with 415 before it is read. */
export const Accepts = (...types: string[]) => RouteConfig({ accepts: types } satisfies RouteGateConfig);
