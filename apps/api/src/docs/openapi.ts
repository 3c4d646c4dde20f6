import { z } from 'zod';
import { errorBodySchema, ROUTE_LIST, pathParamNames, type RouteSpec } from '@switchboard/protocol';
import { APP_VERSION } from '../core/tokens';

const errorDescriptions: Record<number, string> = {
  400: 'VALIDATION_FAILED, INVALID_JSON or INVALID_MODEL',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'SESSION_NOT_FOUND, QUEUED_MESSAGE_NOT_FOUND, JOB_NOT_FOUND, MEMORY_NOT_FOUND or PAIRING_NOT_FOUND',
  422: 'MEMORY_REJECTED or TRANSCRIPTION_UNAVAILABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'QUEUE_FULL',
  503: 'NOT_READY',
};

function schema(s: z.ZodType): unknown {
  return z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' });
}

/** A body read raw (audio) or a response that is not JSON (HTML, metrics, assets). */
const BINARY = { type: 'string', format: 'binary' };

function content(types: readonly string[], s: z.ZodType | undefined): Record<string, unknown> {
  return Object.fromEntries(types.map((type) => [type, { schema: s && type === 'application/json' ? schema(s) : BINARY }]));
}

function operation(r: RouteSpec): Record<string, unknown> {
  const hasBody = Boolean(r.body || r.bodyTypes);
  const paramShape = (r.params?.shape ?? {}) as Record<string, z.ZodType>;
  const responseTypes = r.responseTypes ?? (r.response ? ['application/json'] : []);
  const op: Record<string, unknown> = {
    operationId: r.id,
    summary: r.summary,
    security: r.auth === 'public' ? [] : [{ bearer: [] }],
    parameters: [
      ...pathParamNames(r.path).map((name) => ({ name, in: 'path', required: true, schema: paramShape[name] ? schema(paramShape[name]) : { type: 'string' } })),
      ...Object.entries(r.query?.shape ?? {}).map(([name, s]) => ({ name, in: 'query', required: false, schema: schema(s as z.ZodType) })),
    ],
    responses: {
      200: { description: 'OK', ...(responseTypes.length ? { content: content(responseTypes, r.response) } : {}) },
      ...Object.fromEntries(
        [...(r.auth === 'public' ? [] : [401]), ...(hasBody ? [413] : []), ...(r.errors ?? [])].map((code) => [
          code,
          { description: errorDescriptions[code] ?? 'Error', content: { 'application/json': { schema: schema(errorBodySchema) } } },
        ]),
      ),
    },
  };
  if (hasBody) op.requestBody = { required: true, content: content(r.bodyTypes ?? ['application/json'], r.body) };
  return op;
}

/** The OpenAPI document, generated from the route table in libs/protocol (the schemas the API validates with). */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTE_LIST) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.0.3',
    info: {
      title: 'Switchboard API',
      version: APP_VERSION,
      description:
        'REST + WebSocket API of Switchboard. Every route but health and the docs needs `Authorization: Bearer <token>`. ' +
        'The WebSocket at /ws takes `{id, method, params}` frames (methods mirror these routes) and pushes `{event, payload, seq}`.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
