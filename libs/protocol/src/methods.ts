import { z } from 'zod';
import {
  createSessionRequestSchema,
  editMessageRequestSchema,
  rerunResponseSchema,
  retryMessageRequestSchema,
  listMessagesQuerySchema,
  listSessionsQuerySchema,
  messageSchema,
  messagesResponseSchema,
  modelsResponseSchema,
  okResponseSchema,
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
} from './schemas';
import { errorBodySchema } from './errors';

const sessionIdParams = z.object({ sessionId: z.string().min(1) }).strict();
const messageParams = z.object({ sessionId: z.string().min(1), messageId: z.string().min(1) }).strict();
const queuedParams = z.object({ sessionId: z.string().min(1), queuedId: z.string().min(1) }).strict();

/**
 * WebSocket methods: each mirrors one REST call. Params and results are the REST bodies,
 * with path parameters folded into params.
 */
export const wsMethodSchemas = {
  auth: { params: z.object({ token: z.string() }).strict(), result: okResponseSchema },
  'session.create': { params: createSessionRequestSchema, result: sessionSchema },
  'session.list': { params: listSessionsQuerySchema, result: sessionsResponseSchema },
  'session.get': { params: sessionIdParams, result: sessionSchema },
  'session.delete': { params: sessionIdParams, result: sessionSchema },
  'session.messages': { params: sessionIdParams.extend(listMessagesQuerySchema.shape).strict(), result: messagesResponseSchema },
  'session.send': { params: sessionIdParams.extend(sendMessageRequestSchema.shape).strict(), result: sendMessageResponseSchema },
  'message.retry': { params: messageParams.extend(retryMessageRequestSchema.shape).strict(), result: rerunResponseSchema },
  'message.edit': { params: messageParams.extend(editMessageRequestSchema.shape).strict(), result: rerunResponseSchema },
  'session.setModel': { params: sessionIdParams.extend(setModelRequestSchema.shape).strict(), result: sessionSchema },
  'session.clearModel': { params: sessionIdParams, result: sessionSchema },
  'session.reset': { params: sessionIdParams, result: sessionSchema },
  'session.usage': { params: sessionIdParams, result: sessionUsageSchema },
  'session.abort': { params: sessionIdParams, result: z.object({ aborted: z.boolean() }) },
  'session.compact': { params: sessionIdParams, result: z.object({ compacted: z.boolean(), message: messageSchema.nullable() }) },
  'queue.list': { params: sessionIdParams, result: queueResponseSchema },
  'queue.promote': { params: queuedParams.extend(promoteRequestSchema.shape).strict(), result: queueResponseSchema },
  'queue.delete': { params: queuedParams, result: queueResponseSchema },
  'usage.report': { params: usageReportQuerySchema, result: usageReportSchema },
  'models.list': { params: z.object({}).strict(), result: modelsResponseSchema },
  'settings.setDefaultModel': { params: setModelRequestSchema, result: modelsResponseSchema },
  'watch.subscribe': {
    params: z.object({ sessionId: z.string().min(1).optional() }).strict(),
    result: z.object({ subscriptionId: z.string() }),
  },
  'watch.unsubscribe': { params: z.object({ subscriptionId: z.string() }).strict(), result: okResponseSchema },
} as const;

export type WsMethod = keyof typeof wsMethodSchemas;
export type WsParams<M extends WsMethod> = z.input<(typeof wsMethodSchemas)[M]['params']>;
export type WsResult<M extends WsMethod> = z.infer<(typeof wsMethodSchemas)[M]['result']>;
export const WS_METHODS = Object.keys(wsMethodSchemas) as WsMethod[];

// ---- frames ----

export const requestFrameSchema = z.object({
  id: z.union([z.string().max(100), z.number().int()]),
  method: z.string().max(100),
  params: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof requestFrameSchema>;

export const responseFrameSchema = z.union([
  z.object({ id: z.union([z.string(), z.number()]).nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.union([z.string(), z.number()]).nullable(), ok: z.literal(false), error: errorBodySchema.shape.error }),
]);
export type ResponseFrame = z.infer<typeof responseFrameSchema>;

export const eventFrameSchema = z.object({ event: z.string(), payload: z.unknown(), seq: z.number().int() });
export type EventFrame = z.infer<typeof eventFrameSchema>;
