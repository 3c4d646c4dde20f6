import { z } from 'zod';
import { channelSchema, displayNameSchema, peerIdSchema, personRoleSchema } from './schemas';

/*
 * People: who the assistant serves. The owner (dashboard, CLI, API token, the owner's linked
 * accounts) always exists with the id `owner` (OWNER_PERSON_ID); members are paired Telegram
 * users and the people an integrator names (the OpenAI door's `user`). Groups are not people.
 */

const isoDate = z.string().describe('ISO 8601 timestamp');

/** One of a person's accounts: a Telegram user id, an OpenAI-door `user` value (channel `api`), ... */
export const identitySchema = z.object({
  channel: channelSchema,
  peerId: z.string(),
  displayName: z.string().nullable().describe('the name this account goes by on its channel'),
  linkedAt: isoDate,
});
export type Identity = z.infer<typeof identitySchema>;

/** Limits of one person; null = no limit. */
export const personLimitsSchema = z.object({
  messagesPerMinute: z.number().int().positive().nullable(),
  tokensPerDay: z.number().int().positive().nullable(),
  costPerDayUsd: z.number().positive().nullable(),
});
export type PersonLimits = z.infer<typeof personLimitsSchema>;
export const PERSON_LIMIT_KEYS = ['messagesPerMinute', 'tokensPerDay', 'costPerDayUsd'] as const;
export type PersonLimitKey = (typeof PERSON_LIMIT_KEYS)[number];

/** What a person has used today (UTC) and in the last minute, against their limits. */
export const personUsageSchema = z.object({
  day: z.string().describe('the UTC day, YYYY-MM-DD'),
  tokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  messagesLastMinute: z.number().int().nonnegative(),
  resetsAt: isoDate.describe('when the daily budgets start over (next UTC midnight)'),
});
export type PersonUsage = z.infer<typeof personUsageSchema>;

export const personSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  role: personRoleSchema,
  identities: z.array(identitySchema),
  limits: personLimitsSchema.describe('the limits in force: the overrides over the role defaults'),
  limitOverrides: personLimitsSchema.partial().describe('what is set for this person (absent = the role default)'),
  usage: personUsageSchema,
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Person = z.infer<typeof personSchema>;

export const peopleResponseSchema = z.object({ people: z.array(personSchema) });
export type PeopleResponse = z.infer<typeof peopleResponseSchema>;

const limitPatch = z
  .object({
    messagesPerMinute: z.number().int().min(1).max(100_000).nullable().optional(),
    tokensPerDay: z.number().int().min(1).max(10_000_000_000).nullable().optional(),
    costPerDayUsd: z.number().min(0.0001).max(1_000_000).nullable().optional(),
  })
  .strict()
  .describe('a value sets the limit for this person; null clears it back to the role default');

export const updatePersonRequestSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    role: personRoleSchema.optional().describe('`owner` gives a member the owner\'s rights (global memories, owner limits); the owner person itself stays owner'),
    limits: limitPatch.optional(),
  })
  .strict();
export type UpdatePersonRequest = z.infer<typeof updatePersonRequestSchema>;

export const addIdentityRequestSchema = z
  .object({ channel: channelSchema, peerId: peerIdSchema, displayName: displayNameSchema.optional() })
  .strict()
  .describe("links an account to this person; an account linked to someone else moves here (with that person's memories when it was their only account)");
export type AddIdentityRequest = z.infer<typeof addIdentityRequestSchema>;

export const identityQuerySchema = z.object({ channel: channelSchema, peerId: peerIdSchema }).strict();
export type IdentityQuery = z.infer<typeof identityQuerySchema>;

export const personResponseSchema = z.object({ person: personSchema });
export type PersonResponse = z.infer<typeof personResponseSchema>;
