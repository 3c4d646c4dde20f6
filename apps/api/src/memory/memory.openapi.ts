import type { OpenApiRoute } from '../docs/openapi-route';
import {
  createMemoryRequestSchema,
  listMemoriesQuerySchema,
  memoriesResponseSchema,
  memoryDecisionSchema,
  memoryMetricsSchema,
  memorySchema,
  memorySettingsSchema,
  okResponseSchema,
  updateMemoryRequestSchema,
  updateMemorySettingsRequestSchema,
} from '@switchboard/protocol';

/** The memory routes for the OpenAPI document, in the shape of docs/openapi.ts's route list. */
export const memoryOpenApiRoutes: OpenApiRoute[] = [
  { method: 'get', path: '/api/v1/memories', summary: 'Memories by scope and project; `q` ranks by relevance (score)', query: listMemoriesQuerySchema, response: memoriesResponseSchema, errors: [400] },
  { method: 'post', path: '/api/v1/memories', summary: 'Add a memory the user states, through the quality gate (secrets and duplicates refused: 422 MEMORY_REJECTED with a reason)', body: createMemoryRequestSchema, response: memoryDecisionSchema, errors: [400, 422] },
  { method: 'patch', path: '/api/v1/memories/{id}', summary: 'Edit a memory (history keeps the old version)', body: updateMemoryRequestSchema, response: memorySchema, errors: [400, 404, 422] },
  { method: 'delete', path: '/api/v1/memories/{id}', summary: 'Hard delete: the memory, its older versions, its search entry and its history content', response: okResponseSchema, errors: [404] },
  { method: 'get', path: '/api/v1/memories/metrics', summary: 'Memory pipeline counters: queue depth, flushes, drops, gate decisions', response: memoryMetricsSchema },
  { method: 'get', path: '/api/v1/settings/memory', summary: 'Memory settings: enabled, silent', response: memorySettingsSchema },
  { method: 'put', path: '/api/v1/settings/memory', summary: 'Change memory settings (installation-wide)', body: updateMemorySettingsRequestSchema, response: memorySettingsSchema, errors: [400] },
];
