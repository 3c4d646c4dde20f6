import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { bearerFrom, tokenMatches } from './auth-token';
import type { AuthFailureLimiter } from './auth-failure-limiter';

/** What a route says about itself to the gate (set with `@Public()` / `@Accepts()` as Fastify route config). */
export interface RouteGateConfig {
  /** No token needed (health, docs). */
  public?: boolean;
  /** Media types the route reads as its body; JSON when absent. `audio/*` matches any audio type. */
  accepts?: readonly string[];
  /** `false` takes the route out of the request-rate limit (health probes). */
  rateLimit?: false;
}

export interface RequestGateOptions {
  token: string;
  failures: AuthFailureLimiter;
  /** Requests per minute for the token (0 = no limit). */
  requestsPerMinute: number;
}

const JSON_ONLY = ['application/json'] as const;

function routeConfig(req: FastifyRequest): RouteGateConfig {
  return (req.routeOptions?.config ?? {}) as RouteGateConfig;
}

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function mediaTypeMatches(type: string, accepted: readonly string[]): boolean {
  return accepted.some((a) => (a.endsWith('/*') ? type.startsWith(a.slice(0, -1)) : type === a));
}

/** Refuses a body the route does not read, or in a charset other than UTF-8, before any of it is read. */
function checkContentType(req: FastifyRequest): void {
  const accepted = routeConfig(req).accepts ?? JSON_ONLY;
  const header = req.headers['content-type'] ?? '';
  const type = header.split(';')[0].trim().toLowerCase();
  const wanted = accepted.join(' or ');
  if (!type || !mediaTypeMatches(type, accepted)) {
    throw new SwitchboardError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `This route reads ${wanted}; got ${type ? `"${type.slice(0, 100)}"` : 'no Content-Type'}.`, {
      accepts: accepted,
    });
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(header)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new SwitchboardError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Send the body as UTF-8; got charset "${charset.slice(0, 40)}".`, { charset: 'utf-8' });
  }
}

/**
 * The API's front door, before any body is read: failed-authentication lockout per client
 * address, the token, the route's media types, then the request-rate limit per token. Errors go
 * through the one exception filter (Nest's Fastify error handler), so they keep the documented shape.
 */
export async function installRequestGate(app: NestFastifyApplication, options: RequestGateOptions): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (req) => {
    const config = routeConfig(req);
    if (!config.public) {
      const wait = options.failures.blockedFor(req.ip);
      if (wait > 0) throw rateLimited('Too many failed authentications from this address.', wait);
      const presented = bearerFrom(req.headers);
      if (!tokenMatches(presented, options.token)) {
        options.failures.record(req.ip);
        throw new SwitchboardError(
          ErrorCode.UNAUTHORIZED,
          presented ? 'The API token is not valid.' : 'Missing API token: send Authorization: Bearer <token>.',
        );
      }
    }
    if (hasBody(req) && !req.is404) checkContentType(req);
  });
  if (options.requestsPerMinute > 0) {
    await app.register(rateLimit, {
      global: true,
      max: options.requestsPerMinute,
      timeWindow: 60_000,
      // Every authenticated request is the token's; public routes count per address.
      keyGenerator: (req) => (routeConfig(req).public ? `ip:${req.ip}` : 'token'),
      errorResponseBuilder: (_req, context) => rateLimited(`Too many requests: at most ${context.max} a minute.`, Math.ceil(context.ttl / 1000)),
    });
  }
}

/** RATE_LIMITED with the seconds to wait (the filter turns them into Retry-After). */
export function rateLimited(message: string, retryAfterSeconds: number): SwitchboardError {
  return new SwitchboardError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
}
