import type { Channel, Memory, Person, PersonLimitKey, PersonLimits, Session } from '@switchboard/protocol';
import { formatCost, formatTokens, sessionTitle } from './format';

/**
 * The owner's person id: the protocol's OWNER_PERSON_ID, written here because the module that
 * exports it also holds the zod schemas, which the browser bundle leaves out.
 */
export const OWNER_PERSON_ID = 'owner';

/** The limits of a person, in the order the page shows them (the protocol's PERSON_LIMIT_KEYS). */
export const LIMIT_KEYS = ['messagesPerMinute', 'tokensPerDay', 'costPerDayUsd'] as const satisfies readonly PersonLimitKey[];

export const LIMIT_LABELS: Record<PersonLimitKey, string> = {
  messagesPerMinute: 'Messages per minute',
  tokensPerDay: 'Tokens per day',
  costPerDayUsd: 'Cost per day',
};

/** Channels an account can be linked on (a scheduled job is nobody's account). */
export const IDENTITY_CHANNELS: ReadonlyArray<{ channel: Channel; label: string; placeholder: string }> = [
  { channel: 'telegram', label: 'Telegram', placeholder: 'Telegram user id' },
  { channel: 'api', label: 'API user', placeholder: 'the OpenAI-door `user` value' },
  { channel: 'web', label: 'Web', placeholder: 'account id' },
];

/** The owner first, then other owners, then members by name. */
export function sortPeople(people: readonly Person[]): Person[] {
  const rank = (p: Person) => (p.id === OWNER_PERSON_ID ? 0 : p.role === 'owner' ? 1 : 2);
  return [...people].sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName));
}

/** A limit's value as read: "20 a minute", "100k tokens", "$1.50", or "Unlimited". */
export function formatLimit(key: PersonLimitKey, value: number | null | undefined): string {
  if (value === null || value === undefined) return 'Unlimited';
  switch (key) {
    case 'messagesPerMinute':
      return `${value.toLocaleString('en-US')} a minute`;
    case 'tokensPerDay':
      return `${value.toLocaleString('en-US')} tokens`;
    case 'costPerDayUsd':
      return formatCost(value);
  }
}

/** The limit in force and whether it comes from the role's default (nothing set for this person). */
export function limitState(person: Pick<Person, 'limits' | 'limitOverrides'>, key: PersonLimitKey): { value: number | null; isDefault: boolean } {
  const override = person.limitOverrides[key];
  return { value: person.limits[key], isDefault: override === undefined };
}

/** Used against allowed, for each limit: today's tokens and cost, the last minute's messages. */
export function usageAgainst(person: Pick<Person, 'usage' | 'limits'>, key: PersonLimitKey): { used: number; allowed: number | null; text: string; ratio: number | null } {
  const used = key === 'messagesPerMinute' ? person.usage.messagesLastMinute : key === 'tokensPerDay' ? person.usage.tokens : person.usage.costUsd;
  const allowed = (person.limits as PersonLimits)[key];
  const fmt = (n: number) => (key === 'costPerDayUsd' ? formatCost(n) : key === 'tokensPerDay' ? formatTokens(n) : n.toLocaleString('en-US'));
  return { used, allowed, text: allowed === null ? fmt(used) : `${fmt(used)} of ${fmt(allowed)}`, ratio: allowed ? Math.min(1, used / allowed) : null };
}

/** "00:00 UTC (in 5 h 12 min)": when a daily budget starts over. */
export function resetsAtText(iso: string, now: number = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'midnight UTC';
  const d = new Date(at);
  const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
  const mins = Math.max(0, Math.round((at - now) / 60_000));
  const h = Math.floor(mins / 60);
  const rel = h > 0 ? `${h} h${mins % 60 ? ` ${mins % 60} min` : ''}` : `${mins} min`;
  return mins > 0 ? `${time} (in ${rel})` : time;
}

/** A group memory's id (`channel:group`) for a conversation that belongs to a group; null otherwise. */
export function groupIdOf(session: Pick<Session, 'channel' | 'group'>): string | null {
  const group = session.group;
  if (!group) return null;
  return group.startsWith(`${session.channel}:`) ? group : `${session.channel}:${group}`;
}

export interface GroupOption {
  groupId: string;
  name: string;
}

/**
 * The group chats to filter memories by: from the conversations (named by a conversation's
 * title when one has one, the group's own chat first) and from the memories themselves.
 */
export function groupOptions(sessions: readonly Session[], memories: readonly Memory[]): GroupOption[] {
  const names = new Map<string, string>();
  const fallback = (groupId: string) => {
    const [channel, ...rest] = groupId.split(':');
    const key = rest.join(':');
    return channel === 'telegram' ? `Telegram ${key}` : `${channel} ${key}`;
  };
  // The group's main chat (peer = the group key) names it before its topics do.
  const ordered = [...sessions].sort((a, b) => Number(b.peerId === b.group) - Number(a.peerId === a.group));
  for (const s of ordered) {
    const id = groupIdOf(s);
    if (!id || names.has(id)) continue;
    if (s.title) names.set(id, sessionTitle(s));
  }
  for (const s of sessions) {
    const id = groupIdOf(s);
    if (id && !names.has(id)) names.set(id, fallback(id));
  }
  for (const m of memories) if (m.groupId && !names.has(m.groupId)) names.set(m.groupId, fallback(m.groupId));
  return [...names].map(([groupId, name]) => ({ groupId, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A person's name by id ("You" for the owner when `you` is set): "Person" while the people are
 * not loaded (undefined), the id itself when they are and it is not among them.
 */
export function personName(people: readonly Pick<Person, 'id' | 'displayName'>[] | undefined, id: string, you = false): string {
  if (you && id === OWNER_PERSON_ID) return 'You';
  if (!people) return 'Person';
  return people.find((p) => p.id === id)?.displayName ?? id;
}

/** The chip of a memory's scope: whose it is, in words. */
export function scopeChip(memory: Pick<Memory, 'scope' | 'projectId' | 'personId' | 'groupId'>, people: readonly Pick<Person, 'id' | 'displayName'>[] | undefined, groups: readonly GroupOption[]): string {
  switch (memory.scope) {
    case 'global':
      return 'Global — shared with everyone';
    case 'project':
      return `Project · ${memory.projectId ?? '?'}`;
    case 'person':
      return memory.personId ? personName(people, memory.personId, true) : 'A person';
    case 'group':
      return `Group · ${groups.find((g) => g.groupId === memory.groupId)?.name ?? memory.groupId ?? '?'}`;
  }
}

/** The person a usage row belongs to: their name, "Unattributed" for calls without a known speaker. */
export function usagePersonName(people: readonly Pick<Person, 'id' | 'displayName'>[] | undefined, id: string): string {
  return id === 'unknown' ? 'Unattributed' : personName(people, id);
}

export interface LimitNotice {
  code: 'RATE_LIMITED' | 'BUDGET_EXCEEDED';
  /** When sending is possible again (ms since the epoch), when the API said. */
  until: number | null;
  text: (now: number) => string;
}

/**
 * What the composer says when a send was refused by the person's limits; null for any other
 * error. RATE_LIMITED counts down from `retryAfterSeconds`; BUDGET_EXCEEDED names the budget
 * and when it resets.
 */
export function limitNotice(err: { code: string; details?: Record<string, unknown> }, now: number = Date.now()): LimitNotice | null {
  const d = err.details ?? {};
  if (err.code === 'RATE_LIMITED') {
    const wait = Number(d.retryAfterSeconds);
    const until = Number.isFinite(wait) && wait > 0 ? now + Math.ceil(wait) * 1000 : null;
    const allowed = d.limit === 'messagesPerMinute' && typeof d.allowed === 'number' ? d.allowed : null;
    const what = allowed === null ? 'too many messages this minute' : `${allowed} message${allowed === 1 ? '' : 's'} a minute`;
    return {
      code: 'RATE_LIMITED',
      until,
      text: (t) => {
        if (until === null) return `Limit reached: ${allowed === null ? 'too many messages right now' : what} — try again in a moment.`;
        const left = Math.ceil((until - t) / 1000);
        return left > 0 ? `Limit reached: ${what} — try again in ${left} s.` : 'You can send again now.';
      },
    };
  }
  if (err.code === 'BUDGET_EXCEEDED') {
    const budget = d.limit === 'tokensPerDay' ? 'tokens' : d.limit === 'costPerDayUsd' ? 'cost' : null;
    const key = d.limit === 'tokensPerDay' || d.limit === 'costPerDayUsd' ? (d.limit as PersonLimitKey) : null;
    const used = typeof d.used === 'number' && key ? (key === 'costPerDayUsd' ? formatCost(d.used) : formatTokens(d.used)) : null;
    const allowed = typeof d.allowed === 'number' && key ? (key === 'costPerDayUsd' ? formatCost(d.allowed) : formatTokens(d.allowed)) : null;
    const detail = budget ? ` (${budget}${used && allowed ? `: ${used} of ${allowed}` : ''})` : '';
    const resetsAt = typeof d.resetsAt === 'string' ? Date.parse(d.resetsAt) : NaN;
    return {
      code: 'BUDGET_EXCEEDED',
      until: Number.isNaN(resetsAt) ? null : resetsAt,
      text: (t) => `Today's budget is used up${detail}; resets at ${typeof d.resetsAt === 'string' ? resetsAtText(d.resetsAt, t) : 'midnight UTC'}.`,
    };
  }
  return null;
}
