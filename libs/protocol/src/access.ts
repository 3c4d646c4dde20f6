import { z } from 'zod';
import { channelSchema } from './schemas';

/** Pairing codes: short, upper-case, without look-alike characters (no 0/O, 1/I/L). */
export const PAIRING_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;

const isoDate = z.string().describe('ISO 8601 timestamp');
// Telegram user ids are integers; other doors may use other ids, so keep it a safe token.
const userIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:@-]+$/, 'must be letters, digits or . _ : @ -');
const usernameSchema = z.string().trim().min(1).max(100);
const displayNameSchema = z.string().trim().min(1).max(200);

/** The canonical form of a typed pairing code: upper case, separators and spaces removed. */
export function normalisePairingCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export const approvedUserSchema = z.object({
  channel: channelSchema,
  userId: z.string(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  via: z.enum(['pairing', 'admin']).describe('approved with a pairing code, or added by an admin directly'),
  approvedAt: isoDate,
});
export type ApprovedUser = z.infer<typeof approvedUserSchema>;

export const pairingRequestSchema = z.object({
  channel: channelSchema,
  code: z.string(),
  userId: z.string(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  createdAt: isoDate,
  expiresAt: isoDate,
});
export type PairingRequest = z.infer<typeof pairingRequestSchema>;

/** A door asks whether a user may talk to the assistant (its own allowlist is checked by the door itself). */
export const accessCheckRequestSchema = z
  .object({
    userId: userIdSchema,
    username: usernameSchema.optional(),
    displayName: displayNameSchema.optional(),
    pair: z.boolean().optional().describe('when not allowed, create (or return) a pending pairing code; default true'),
  })
  .strict();
export type AccessCheckRequest = z.infer<typeof accessCheckRequestSchema>;

export const accessCheckResponseSchema = z.object({
  allowed: z.boolean(),
  user: approvedUserSchema.optional().describe('the approval, when allowed'),
  pairing: z
    .object({
      code: z.string(),
      expiresAt: isoDate,
      created: z.boolean().describe('false when an unexpired code already existed and is returned again'),
    })
    .optional()
    .describe('when not allowed and pairing was asked for; absent when too many pairings are pending'),
});
export type AccessCheckResponse = z.infer<typeof accessCheckResponseSchema>;

export const approvePairingRequestSchema = z.object({ code: z.string().trim().min(1).max(32) }).strict();
export type ApprovePairingRequest = z.infer<typeof approvePairingRequestSchema>;

export const addApprovedUserRequestSchema = z
  .object({ userId: userIdSchema, username: usernameSchema.optional(), displayName: displayNameSchema.optional() })
  .strict();
export type AddApprovedUserRequest = z.infer<typeof addApprovedUserRequestSchema>;

export const approvedUserResponseSchema = z.object({ user: approvedUserSchema });
export type ApprovedUserResponse = z.infer<typeof approvedUserResponseSchema>;

export const pendingPairingsResponseSchema = z.object({ channel: channelSchema, pending: z.array(pairingRequestSchema) });
export type PendingPairingsResponse = z.infer<typeof pendingPairingsResponseSchema>;

export const approvedUsersResponseSchema = z.object({ channel: channelSchema, users: z.array(approvedUserSchema) });
export type ApprovedUsersResponse = z.infer<typeof approvedUsersResponseSchema>;

export const revokeUserResponseSchema = z.object({ revoked: z.boolean().describe('false when the user was not approved') });
export type RevokeUserResponse = z.infer<typeof revokeUserResponseSchema>;

export const accessChannelParamsSchema = z.object({ channel: channelSchema }).strict();
