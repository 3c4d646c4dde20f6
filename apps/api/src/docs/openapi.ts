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
  usageReportQuerySchema,
  usageReportSchema,
  accessCheckRequestSchema,
  accessCheckResponseSchema,
  approvePairingRequestSchema,
  addApprovedUserRequestSchema,
  approvedUserResponseSchema,
  pendingPairingsResponseSchema,
  approvedUsersResponseSchema,
  revokeUserResponseSchema,
  transcriptionResponseSchema,
  createJobRequestSchema,
  updateJobRequestSchema,
  runJobRequestSchema,
  jobSchema,
  jobsResponseSchema,
  runJobResponseSchema,
  okResponseSchema,
} from '@switchboard/protocol';
import { chatCompletionRequestSchema } from '../openai/chat-completions.controller';
import { openAiModelListSchema, openAiModelSchema } from '../openai/openai-models.controller';
import { APP_VERSION } from '../core/tokens';
import { memoryOpenApiRoutes } from '../memory/memory.openapi';
import { deliveryOpenApiRoutes } from '../delivery/delivery.openapi';
import type { OpenApiRoute } from './openapi-route';

type Route = OpenApiRoute;

const S = '/api/v1/sessions/{id}';
const routes: Route[] = [
  { method: 'get', path: '/api/v1/health', summary: 'Liveness (no auth)', response: healthResponseSchema, public: true },
  { method: 'post', path: '/api/v1/sessions', summary: 'Get or create a session by channel + peerId', body: createSessionRequestSchema, response: sessionSchema },
  { method: 'get', path: '/api/v1/sessions', summary: 'List sessions, newest activity first', query: listSessionsQuerySchema, response: sessionsResponseSchema },
  { method: 'get', path: S, summary: 'A session: status, version, model override, effective model', response: sessionSchema, errors: [404] },
  { method: 'delete', path: S, summary: 'Delete a session with its history, overrides, queue and usage (a `deleted` event)', response: sessionSchema, errors: [404] },
  { method: 'get', path: `${S}/messages`, summary: 'History, system events included', query: listMessagesQuerySchema, response: messagesResponseSchema, errors: [404] },
  { method: 'post', path: `${S}/messages`, summary: 'Send a message (queued when the session is busy; wait: true returns the reply)', body: sendMessageRequestSchema, response: sendMessageResponseSchema, errors: [400, 404, 429] },
  { method: 'get', path: `${S}/queue`, summary: 'Queued messages in order, each with its model snapshot', response: queueResponseSchema, errors: [404] },
  { method: 'post', path: `${S}/queue/{queuedId}/promote`, summary: 'Move a queued message to the head (interrupt: stop the running turn)', body: promoteRequestSchema, response: queueResponseSchema, errors: [404] },
  { method: 'delete', path: `${S}/queue/{queuedId}`, summary: 'Remove a queued message', response: queueResponseSchema, errors: [404] },
  { method: 'put', path: `${S}/model`, summary: 'Set the session override (id, alias or tier); `default` clears it (as DELETE does)', body: setModelRequestSchema, response: sessionSchema, errors: [400, 404] },
  { method: 'delete', path: `${S}/model`, summary: 'Clear the session override', response: sessionSchema, errors: [404] },
  { method: 'post', path: `${S}/reset`, summary: 'Clear history and session overrides', response: sessionSchema, errors: [404] },
  { method: 'post', path: `${S}/abort`, summary: 'Abort the running turn (partial reply kept)', response: z.object({ aborted: z.boolean() }), errors: [404] },
  { method: 'get', path: `${S}/usage`, summary: 'Tokens and cost: primary, per delegation role, total', response: sessionUsageSchema, errors: [404] },
  { method: 'get', path: '/api/v1/usage', summary: 'Usage across conversations: totals, per role, model and UTC day, the most used conversations (from/to: a day or an instant)', query: usageReportQuerySchema, response: usageReportSchema, errors: [400] },
  { method: 'get', path: '/api/v1/models', summary: 'The model catalog and the global default', response: modelsResponseSchema },
  { method: 'put', path: '/api/v1/settings/default-model', summary: 'Set the global default model', body: setModelRequestSchema, response: modelsResponseSchema, errors: [400] },
  { method: 'post', path: `${S}/compact`, summary: 'Summarise older turns now (the full history is kept)', errors: [404] },
  { method: 'post', path: `${S}/transcriptions`, summary: 'Transcribe raw audio (audio/* body, up to 20 MiB) with the transcription model of the session\'s provider', response: transcriptionResponseSchema, errors: [404, 422] },
  { method: 'get', path: '/api/v1/jobs', summary: 'Scheduled jobs', response: jobsResponseSchema },
  { method: 'post', path: '/api/v1/jobs', summary: 'Create a job (cron or everySeconds, prompt, target session, optional model)', body: createJobRequestSchema, response: jobSchema, errors: [400] },
  { method: 'get', path: '/api/v1/jobs/{id}', summary: 'One job', response: jobSchema, errors: [404] },
  { method: 'patch', path: '/api/v1/jobs/{id}', summary: 'Change a job', body: updateJobRequestSchema, response: jobSchema, errors: [400, 403, 404] },
  { method: 'delete', path: '/api/v1/jobs/{id}', summary: 'Delete a job (config jobs can only be disabled)', response: okResponseSchema, errors: [403, 404] },
  { method: 'post', path: '/api/v1/jobs/{id}/run', summary: 'Run a job now', body: runJobRequestSchema, response: runJobResponseSchema, errors: [404] },
  { method: 'post', path: '/api/v1/access/{channel}/check', summary: 'Is a user allowed? Creates a pairing code for an unknown one', body: accessCheckRequestSchema, response: accessCheckResponseSchema },
  { method: 'get', path: '/api/v1/access/{channel}/pending', summary: 'Pending pairing requests', response: pendingPairingsResponseSchema },
  { method: 'post', path: '/api/v1/access/{channel}/approve', summary: 'Approve a pairing code', body: approvePairingRequestSchema, response: approvedUserResponseSchema, errors: [404] },
  { method: 'get', path: '/api/v1/access/{channel}/users', summary: 'Approved users', response: approvedUsersResponseSchema },
  { method: 'post', path: '/api/v1/access/{channel}/users', summary: 'Approve a user directly', body: addApprovedUserRequestSchema, response: approvedUserResponseSchema },
  { method: 'delete', path: '/api/v1/access/{channel}/users/{userId}', summary: 'Revoke a user', response: revokeUserResponseSchema },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (token required)' },
  {
    method: 'post',
    path: '/v1/chat/completions',
    summary: 'OpenAI-compatible chat completions (streaming too): stateless without X-Session-Key, a server-side conversation with it',
    body: chatCompletionRequestSchema,
    errors: [400, 404, 502],
  },
  { method: 'get', path: '/v1/models', summary: 'The enabled catalog in OpenAI list format, plus switchboard (the chain)', response: openAiModelListSchema },
  { method: 'get', path: '/v1/models/{id}', summary: 'One model in OpenAI format', response: openAiModelSchema, errors: [404] },
];

const errorDescriptions: Record<number, string> = {
  400: 'VALIDATION_FAILED, INVALID_JSON or INVALID_MODEL',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'SESSION_NOT_FOUND, QUEUED_MESSAGE_NOT_FOUND, JOB_NOT_FOUND, MEMORY_NOT_FOUND or PAIRING_NOT_FOUND',
  422: 'MEMORY_REJECTED or TRANSCRIPTION_UNAVAILABLE',
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
  for (const r of [...routes, ...memoryOpenApiRoutes, ...deliveryOpenApiRoutes]) {
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
