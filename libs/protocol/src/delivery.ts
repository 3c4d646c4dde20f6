import { z } from 'zod';

/**
 * Who keeps a delivery cursor: a door that forwards a session's messages somewhere else
 * (the Telegram bot is `telegram`), so several consumers can track one session apart.
 */
export const deliveryConsumerSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'must be 1-40 characters of a-z, 0-9, _, . and -, starting with a letter or digit');

/**
 * How far a consumer has delivered a session: every message up to `seq` is handled, and so
 * are the listed later ones (delivered out of order, e.g. a notice while a reply streamed).
 */
export const deliveryCursorSchema = z.object({
  seq: z.number().int().min(0).describe('every message with a seq up to this one is handled'),
  messageId: z.string().min(1).max(100).nullable().describe('the id of the message at seq (a different id there means the history was reset)'),
  delivered: z.array(z.string().min(1).max(100)).max(200).describe('ids of later messages already handled'),
});
export type DeliveryCursor = z.infer<typeof deliveryCursorSchema>;

export const deliveryCursorResponseSchema = deliveryCursorSchema.extend({
  sessionId: z.string(),
  consumer: z.string(),
  version: z.number().int().min(0).describe('grows with every write; 0 = never written'),
});
export type DeliveryCursorResponse = z.infer<typeof deliveryCursorResponseSchema>;

/** A compare-and-set write: applied only when the stored version is still `expectedVersion`. */
export const putDeliveryCursorRequestSchema = deliveryCursorSchema.extend({ expectedVersion: z.number().int().min(0) }).strict();
export type PutDeliveryCursorRequest = z.infer<typeof putDeliveryCursorRequestSchema>;

export const putDeliveryCursorResponseSchema = z.object({
  applied: z.boolean().describe('false when another writer got there first; `cursor` is then what is stored'),
  cursor: deliveryCursorResponseSchema,
});
export type PutDeliveryCursorResponse = z.infer<typeof putDeliveryCursorResponseSchema>;
