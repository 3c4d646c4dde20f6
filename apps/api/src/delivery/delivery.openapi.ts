import type { OpenApiRoute } from '../docs/openapi-route';
import { deliveryCursorResponseSchema, putDeliveryCursorRequestSchema, putDeliveryCursorResponseSchema } from '@switchboard/protocol';

const C = '/api/v1/sessions/{id}/delivery-cursors/{consumer}';

/** The delivery cursor routes for the OpenAPI document, in the shape of docs/openapi.ts's route list. */
export const deliveryOpenApiRoutes: OpenApiRoute[] = [
  { method: 'get', path: C, summary: 'How far a forwarding door (consumer, e.g. telegram) has delivered the session (version 0: never written)', response: deliveryCursorResponseSchema, errors: [400, 404] },
  { method: 'put', path: C, summary: 'Move the cursor by compare-and-set: applied only if the stored version is still expectedVersion', body: putDeliveryCursorRequestSchema, response: putDeliveryCursorResponseSchema, errors: [400, 404] },
];
