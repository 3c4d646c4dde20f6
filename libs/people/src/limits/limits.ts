import { ErrorCode, SwitchboardError, type PersonLimits, type PersonRole } from '@switchboard/protocol';

/** The limits each role gets unless a person has their own (config file `people.roles`). */
export type RoleLimits = Record<PersonRole, PersonLimits>;

/** Owners are unlimited; members get a rate and a daily token budget (cost is open unless configured). */
export const DEFAULT_ROLE_LIMITS: RoleLimits = {
  owner: { messagesPerMinute: null, tokensPerDay: null, costPerDayUsd: null },
  member: { messagesPerMinute: 20, tokensPerDay: 1_000_000, costPerDayUsd: null },
};

/** The limits in force: what is set for the person, else the role's default. */
export function effectiveLimits(role: PersonRole, overrides: Partial<PersonLimits>, roles: RoleLimits = DEFAULT_ROLE_LIMITS): PersonLimits {
  const base = roles[role];
  return {
    messagesPerMinute: overrides.messagesPerMinute !== undefined ? overrides.messagesPerMinute : base.messagesPerMinute,
    tokensPerDay: overrides.tokensPerDay !== undefined ? overrides.tokensPerDay : base.tokensPerDay,
    costPerDayUsd: overrides.costPerDayUsd !== undefined ? overrides.costPerDayUsd : base.costPerDayUsd,
  };
}

/** True when nothing is limited (no need to count anything). */
export function isUnlimited(limits: PersonLimits): boolean {
  return limits.messagesPerMinute === null && limits.tokensPerDay === null && limits.costPerDayUsd === null;
}

/** The start of the UTC day `now` is in: daily budgets count from here. */
export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** When the daily budgets start over: the next UTC midnight. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(utcDayStart(now).getTime() + 86_400_000);
}

/** The window the message rate is counted over. */
export const RATE_WINDOW_MS = 60_000;

/** What a person did lately, as the limits count it. */
export interface PersonActivity {
  /** Messages (sent and queued) in the last minute. */
  messagesLastMinute: number;
  /** When the oldest of those was sent (the window frees a slot a minute after it). */
  oldestInWindowAt: string | null;
  /** Tokens of every model call they caused since the UTC day started (input + output). */
  tokensToday: number;
  costTodayUsd: number;
}

/** The error that refuses a message over a limit, or null when it may go ahead. */
export function limitBreach(personId: string, limits: PersonLimits, activity: PersonActivity, now: Date): SwitchboardError | null {
  if (limits.messagesPerMinute !== null && activity.messagesLastMinute >= limits.messagesPerMinute) {
    const oldest = activity.oldestInWindowAt ? Date.parse(activity.oldestInWindowAt) : now.getTime();
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest + RATE_WINDOW_MS - now.getTime()) / 1000));
    return new SwitchboardError(
      ErrorCode.RATE_LIMITED,
      `Too many messages: at most ${limits.messagesPerMinute} a minute. Try again in ${retryAfterSeconds} s.`,
      { limit: 'messagesPerMinute', allowed: limits.messagesPerMinute, retryAfterSeconds, personId },
    );
  }
  const resetsAt = nextUtcMidnight(now).toISOString();
  if (limits.tokensPerDay !== null && activity.tokensToday >= limits.tokensPerDay) {
    return new SwitchboardError(ErrorCode.BUDGET_EXCEEDED, `Today's token budget (${limits.tokensPerDay}) is used up; it resets at ${resetsAt}.`, {
      limit: 'tokensPerDay',
      allowed: limits.tokensPerDay,
      used: activity.tokensToday,
      resetsAt,
      personId,
    });
  }
  if (limits.costPerDayUsd !== null && activity.costTodayUsd >= limits.costPerDayUsd) {
    return new SwitchboardError(ErrorCode.BUDGET_EXCEEDED, `Today's budget ($${limits.costPerDayUsd}) is used up; it resets at ${resetsAt}.`, {
      limit: 'costPerDayUsd',
      allowed: limits.costPerDayUsd,
      used: Math.round(activity.costTodayUsd * 1e6) / 1e6,
      resetsAt,
      personId,
    });
  }
  return null;
}

/** The role defaults with the config file's `people.roles` laid over them (a missing key keeps the default). */
export function roleLimitsFrom(config: Partial<Record<PersonRole, Partial<PersonLimits> | undefined>> | undefined): RoleLimits {
  const merge = (role: PersonRole): PersonLimits => {
    const set = config?.[role] ?? {};
    const base = DEFAULT_ROLE_LIMITS[role];
    return {
      messagesPerMinute: set.messagesPerMinute !== undefined ? set.messagesPerMinute : base.messagesPerMinute,
      tokensPerDay: set.tokensPerDay !== undefined ? set.tokensPerDay : base.tokensPerDay,
      costPerDayUsd: set.costPerDayUsd !== undefined ? set.costPerDayUsd : base.costPerDayUsd,
    };
  };
  return { owner: merge('owner'), member: merge('member') };
}
