import { z } from 'zod';
import {
  createSessionRequestSchema,
  errorBodySchema,
  healthResponseSchema,
  listMessagesQuerySchema,
  listSessionsQuerySchema,
  messagesResponseSchema,
  modelsResponseSchema,
  promoteRequestSchema,
  queueResponseSchema,
  sendMessageRequestSchema,
  sendMessageResponseSchema,
  sessionSchema,
  sessionsResponseSchema,
  sessionUsageSchema,
  setModelRequestSchema,
} from '@switchboard/protocol';
import { chatCompletionRequestSchema } from '../openai/chat-completions.controller';
import { APP_VERSION } from '../core/tokens';

interface Route {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  public?: boolean;
  errors?: number[];
}

const S = '/api/v1/sessions/{id}';
const routes: Route[] = [
  { method: 'get', path: '/api/v1/health', summary: 'Liveness (no auth)', response: healthResponseSchema, public: true },
  { method: 'post', path: '/api/v1/sessions', summary: 'Get or create a session by channel + peerId', body: createSessionRequestSchema, response: sessionSchema },
  { method: 'get', path: '/api/v1/sessions', summary: 'List sessions, newest activity first', query: listSessionsQuerySchema, response: sessionsResponseSchema },
  { method: 'get', path: S, summary: 'A session: status, version, model override, effective model', response: sessionSchema, errors: [404] },
  { method: 'get', path: `${S}/messages`, summary: 'History, system events included', query: listMessagesQuerySchema, response: messagesResponseSchema, errors: [404] },
  { method: 'post', path: `${S}/messages`, summary: 'Send a message (queued when the session is busy; wait: true returns the reply)', body: sendMessageRequestSchema, response: sendMessageResponseSchema, errors: [400, 404, 429] },
  { method: 'get', path: `${S}/queue`, summary: 'Queued messages in order, each with its model snapshot', response: queueResponseSchema, errors: [404] },
  { method: 'post', path: `${S}/queue/{queuedId}/promote`, summary: 'Move a queued message to the head (interrupt: stop the running turn)', body: promoteRequestSchema, response: queueResponseSchema, errors: [404] },
  { method: 'delete', path: `${S}/queue/{queuedId}`, summary: 'Remove a queued message', response: queueResponseSchema, errors: [404] },
  { method: 'put', path: `${S}/model`, summary: 'Set the session override (id, alias or tier)', body: setModelRequestSchema, response: sessionSchema, errors: [400, 404] },
  { method: 'delete', path: `${S}/model`, summary: 'Clear the session override', response: sessionSchema, errors: [404] },
  { method: 'post', path: `${S}/reset`, summary: 'Clear history and session overrides', response: sessionSchema, errors: [404] },
  { method: 'post', path: `${S}/abort`, summary: 'Abort the running turn (partial reply kept)', response: z.object({ aborted: z.boolean() }), errors: [404] },
  { method: 'get', path: `${S}/usage`, summary: 'Tokens and cost: primary, per delegation role, total', response: sessionUsageSchema, errors: [404] },
  { method: 'get', path: '/api/v1/models', summary: 'The model catalog and the global default', response: modelsResponseSchema },
  { method: 'put', path: '/api/v1/settings/default-model', summary: 'Set the global default model', body: setModelRequestSchema, response: modelsResponseSchema, errors: [400] },
  { method: 'post', path: '/v1/chat/completions', summary: 'OpenAI-compatible chat completions (streaming too); session from X-Session-Key or user', body: chatCompletionRequestSchema, errors: [400] },
];

const errorDescriptions: Record<number, string> = {
  400: 'VALIDATION_FAILED, INVALID_JSON or INVALID_MODEL',
  401: 'UNAUTHORIZED',
  404: 'SESSION_NOT_FOUND or QUEUED_MESSAGE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'QUEUE_FULL',
};

function schema(s: z.ZodType): unknown {
  return z.toJSONSchema(s, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' });
}

/** The OpenAPI document, generated from the same zod schemas the API validates with. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = { content: { 'application/json': { schema: schema(errorBodySchema) } } };
  for (const r of routes) {
    const op: Record<string, unknown> = {
      summary: r.summary,
      security: r.public ? [] : [{ bearer: [] }],
      parameters: [
        ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
        ...Object.entries(r.query?.shape ?? {}).map(([name, s]) => ({ name, in: 'query', required: false, schema: schema(s as z.ZodType) })),
      ],
      responses: {
        200: { description: 'OK', ...(r.response ? { content: { 'application/json': { schema: schema(r.response) } } } : {}) },
        ...Object.fromEntries(
          [...(r.public ? [] : [401]), ...(r.body ? [413] : []), ...(r.errors ?? [])].map((code) => [
            code,
            { description: errorDescriptions[code] ?? 'Error', ...errorResponse },
          ]),
        ),
      },
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(r.body) } } };
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Switchboard API',
      version: APP_VERSION,
      description:
        'REST + WebSocket API of Switchboard. Every route but health needs `Authorization: Bearer <token>`. ' +
        'The WebSocket at /ws takes `{id, method, params}` frames (methods mirror these routes) and pushes `{event, payload, seq}`.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
