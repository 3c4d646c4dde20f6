import {
  ErrorCode,
  OWNER_PERSON_ID,
  SwitchboardError,
  type AddIdentityRequest,
  type Channel,
  type IdentityQuery,
  type Person,
  type PersonLimits,
  type PersonRef,
  type Sender,
  type UpdatePersonRequest,
} from '@switchboard/protocol';
import type { TurnSpeaker } from '@switchboard/models';
import type { TransactionRunner } from '@switchboard/persistence';
import { DEFAULT_ROLE_LIMITS, effectiveLimits, isUnlimited, limitBreach, nextUtcMidnight, utcDayStart, type PersonActivity, type RoleLimits } from '../limits/limits';
import { PeopleStore, type PersonRecord } from './people.store';

export interface PeopleServiceOptions {
  tx: TransactionRunner;
  roleLimits?: RoleLimits;
  /** What a person did lately (the app counts it from the session lib's messages and usage). */
  activity(personId: string, now: Date): Promise<PersonActivity>;
  /**
   * An account moved to another person and left its old person with none: everything of the
   * old person (memories, usage) becomes the new one's, then the old person is removed.
   */
  onMerged?(fromPersonId: string, toPersonId: string): Promise<void>;
  /**
   * After this service changed people (created, renamed, role or limits, accounts, merged away):
   * the app tells other processes sharing the database, which call `invalidate()`.
   */
  onChange?(personIds: string[]): void;
  clock?: () => Date;
}

/** What a conversation is, for people: its channel and peer, and its group key when it is a group chat. */
export interface ConversationRef {
  channel: Channel;
  peerId: string;
  groupKey: string | null;
  personId: string | null;
}

const identityKey = (channel: string, peerId: string) => `${channel}\u0000${peerId}`;

/**
 * People: the owner and members, their accounts, roles and limits; who is speaking in a
 * conversation; and whether their next message may go ahead. Reads are served from memory
 * (people change rarely); every write goes through here and updates it. Another process
 * sharing the database (an API replica) changes people through its own service: `onChange`
 * there, `invalidate()` here.
 */
export class PeopleService {
  private readonly roleLimits: RoleLimits;
  private readonly clock: () => Date;
  private people = new Map<string, PersonRecord>();
  private accounts = new Map<string, string>();
  private loaded: Promise<void> | null = null;
  /** Bumped by every change to the in-memory state, so a reload that read before it reads again. */
  private edits = 0;

  constructor(private readonly options: PeopleServiceOptions) {
    this.roleLimits = options.roleLimits ?? DEFAULT_ROLE_LIMITS;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Makes sure the owner exists and loads everyone. */
  start(): Promise<void> {
    this.loaded ??= this.load(true);
    return this.loaded;
  }

  /**
   * Someone else changed people in the database (another API replica): everyone is read again.
   * Reads meanwhile see the previous state, then the new one (never a half-loaded one).
   */
  invalidate(): Promise<void> {
    const reload = this.load(false);
    // A failed reload keeps the previous state and lets the next read try again.
    this.loaded = reload.catch(() => {
      this.loaded = null;
    });
    return reload;
  }

  private async load(ensureOwner: boolean): Promise<void> {
    for (;;) {
      const edits = this.edits;
      const everyone = await this.options.tx.run(async (m) => {
        const store = new PeopleStore(m);
        if (ensureOwner && !(await store.get(OWNER_PERSON_ID))) await store.create({ id: OWNER_PERSON_ID, displayName: 'Owner', role: 'owner' });
        return store.list();
      });
      // A write of this service landed while the list was read: it may be missing from the list.
      if (edits !== this.edits) continue;
      const people = new Map<string, PersonRecord>();
      const accounts = new Map<string, string>();
      for (const p of everyone) {
        people.set(p.id, p);
        for (const i of p.identities) accounts.set(identityKey(i.channel, i.peerId), p.id);
      }
      this.people = people;
      this.accounts = accounts;
      return;
    }
  }

  // ------------------------------------------------------------------ management (the API)

  async list(): Promise<Person[]> {
    await this.start();
    const everyone = [...this.people.values()].sort(
      (a, b) => Number(b.id === OWNER_PERSON_ID) - Number(a.id === OWNER_PERSON_ID) || a.displayName.localeCompare(b.displayName) || a.createdAt.localeCompare(b.createdAt),
    );
    return Promise.all(everyone.map((p) => this.view(p)));
  }

  async get(id: string): Promise<Person> {
    return this.view(await this.require(id));
  }

  async update(id: string, body: UpdatePersonRequest): Promise<Person> {
    const current = await this.require(id);
    if (id === OWNER_PERSON_ID && body.role === 'member') {
      throw new SwitchboardError(ErrorCode.FORBIDDEN, 'The owner stays the owner.', { personId: id });
    }
    let limitOverrides: Partial<PersonLimits> | undefined;
    if (body.limits) {
      limitOverrides = { ...current.limitOverrides };
      for (const [key, value] of Object.entries(body.limits) as Array<[keyof PersonLimits, number | null | undefined]>) {
        if (value === undefined) continue;
        if (value === null) delete limitOverrides[key];
        else limitOverrides[key] = value;
      }
    }
    await this.options.tx.run((m) => new PeopleStore(m).update(id, { displayName: body.displayName, role: body.role, limitOverrides }));
    const updated = await this.reload(id);
    this.changed(id);
    return this.view(updated);
  }

  /** Links an account; one that was someone else's moves here (with all of that person when it was their only account). */
  async addIdentity(id: string, body: AddIdentityRequest): Promise<Person> {
    await this.require(id);
    const previousOwner = this.accounts.get(identityKey(body.channel, body.peerId)) ?? null;
    if (previousOwner === id) return this.get(id);
    await this.options.tx.run((m) => new PeopleStore(m).link(id, { channel: body.channel, peerId: body.peerId, displayName: body.displayName ?? null }));
    await this.reload(id);
    if (previousOwner) {
      const old = await this.reload(previousOwner);
      if (old && old.identities.length === 0 && old.id !== OWNER_PERSON_ID) await this.merge(old.id, id);
    }
    this.changed(id, ...(previousOwner ? [previousOwner] : []));
    return this.get(id);
  }

  async removeIdentity(id: string, query: IdentityQuery): Promise<Person> {
    await this.require(id);
    const removed = await this.options.tx.run((m) => new PeopleStore(m).unlink(id, query.channel, query.peerId));
    if (!removed) {
      throw new SwitchboardError(ErrorCode.NOT_FOUND, `${query.channel} account ${query.peerId} is not linked to this person.`, { personId: id, ...query });
    }
    const updated = await this.reload(id);
    this.changed(id);
    return this.view(updated);
  }

  // ------------------------------------------------------------------ who is speaking (the engine)

  /** The short form of people, for session views. */
  async refs(ids: Iterable<string>): Promise<Map<string, PersonRef>> {
    await this.start();
    const out = new Map<string, PersonRef>();
    for (const id of ids) {
      const p = this.people.get(id);
      if (p) out.set(id, { id: p.id, displayName: p.displayName, role: p.role });
    }
    return out;
  }

  /**
   * Whose conversation a new session is: nobody's in a group chat; the account's person in a
   * private Telegram chat (a member is created for an account not seen before); the owner's
   * on the dashboard, the API and jobs.
   */
  async conversationPerson(conversation: { channel: Channel; peerId: string; groupKey: string | null }): Promise<string | null> {
    if (conversation.groupKey) return null;
    if (conversation.channel === 'telegram') return (await this.personForAccount('telegram', conversation.peerId)).id;
    return OWNER_PERSON_ID;
  }

  /**
   * Who is speaking: the sender's account on the conversation's channel when the door names one
   * (a member is created for an account not seen before), else the conversation's own person;
   * null for an unnamed speaker in a group.
   */
  async speakerFor(conversation: ConversationRef, sender?: Sender | null): Promise<TurnSpeaker | null> {
    await this.start();
    if (sender) return this.toSpeaker(await this.personForAccount(conversation.channel, sender.peerId, sender.displayName));
    return conversation.personId ? this.speaker(conversation.personId) : null;
  }

  /** A person as a speaker (their role now), or null when they no longer exist. */
  async speaker(personId: string): Promise<TurnSpeaker | null> {
    await this.start();
    const p = this.people.get(personId);
    return p ? this.toSpeaker(p) : null;
  }

  /** The person an account belongs to; a member named after the account is created when there is none. */
  async personForAccount(channel: Channel, peerId: string, displayName?: string | null): Promise<PersonRecord> {
    await this.start();
    const known = this.accounts.get(identityKey(channel, peerId));
    if (known) {
      const person = this.people.get(known)!;
      const identity = person.identities.find((i) => i.channel === channel && i.peerId === peerId);
      if (displayName && identity && identity.displayName !== displayName) await this.rename(person, channel, peerId, displayName);
      return this.people.get(known)!;
    }
    const name = displayName ?? (channel === 'telegram' ? `Telegram ${peerId}` : `${channel} ${peerId}`);
    const outcome = await this.options.tx.run(async (m) => {
      // Replicas sharing a PostgreSQL database take turns per account (a lock held until commit),
      // so a new account seen by two of them at once becomes one member, not two.
      if (m.connection.driver.options.type === 'postgres') await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`person-account:${channel}:${peerId}`]);
      const store = new PeopleStore(m);
      // Another call may have linked it meanwhile.
      const existing = await store.findByIdentity(channel, peerId);
      if (existing) return { person: existing, created: false };
      const person = await store.create({ displayName: name, role: 'member' });
      await store.link(person.id, { channel, peerId, displayName: displayName ?? null });
      return { person: (await store.get(person.id))!, created: true };
    });
    this.remember(outcome.person);
    if (outcome.created) this.changed(outcome.person.id);
    return outcome.person;
  }

  /** Refuses a message over the speaker's limits (RATE_LIMITED / BUDGET_EXCEEDED) before anything is stored or any model called. */
  async admit(speaker: TurnSpeaker | null): Promise<void> {
    if (!speaker) return;
    await this.start();
    const person = this.people.get(speaker.personId);
    if (!person) return;
    const limits = effectiveLimits(person.role, person.limitOverrides, this.roleLimits);
    if (isUnlimited(limits)) return;
    const now = this.clock();
    const breach = limitBreach(person.id, limits, await this.options.activity(person.id, now), now);
    if (breach) throw breach;
  }

  /** `/whoami`: who the speaker is to the assistant and their limits. */
  async describe(speaker: TurnSpeaker | null, groupId: string | null): Promise<string> {
    if (!speaker) {
      return groupId
        ? 'I do not know who you are in this group: your messages are answered for the group, and what you tell me is remembered for the group.'
        : 'I do not know who you are.';
    }
    const person = await this.get(speaker.personId);
    const lines = [`You are ${person.displayName} (${person.role === 'owner' ? 'owner' : 'member'}).`];
    if (person.identities.length) lines.push(`Accounts: ${person.identities.map((i) => `${i.channel} ${i.displayName ? `${i.displayName} (${i.peerId})` : i.peerId}`).join(', ')}.`);
    const l = person.limits;
    const u = person.usage;
    lines.push(
      `Messages: ${l.messagesPerMinute === null ? 'no limit' : `${u.messagesLastMinute} of ${l.messagesPerMinute} in the last minute`}.`,
      `Tokens today: ${u.tokens.toLocaleString('en-US')}${l.tokensPerDay === null ? ' (no daily limit)' : ` of ${l.tokensPerDay.toLocaleString('en-US')}`}.`,
      `Cost today: $${u.costUsd.toFixed(4)}${l.costPerDayUsd === null ? ' (no daily limit)' : ` of $${l.costPerDayUsd}`}.`,
    );
    if (l.tokensPerDay !== null || l.costPerDayUsd !== null) lines.push(`Daily budgets reset at ${u.resetsAt.slice(11, 16)} UTC.`);
    if (groupId) lines.push('In this group, what you tell me is remembered for the group, not for you alone.');
    return lines.join('\n');
  }

  // ------------------------------------------------------------------ internals

  private toSpeaker(p: PersonRecord): TurnSpeaker {
    return { personId: p.id, role: p.role };
  }

  private async view(p: PersonRecord): Promise<Person> {
    const now = this.clock();
    const limits = effectiveLimits(p.role, p.limitOverrides, this.roleLimits);
    const activity = await this.options.activity(p.id, now);
    return {
      id: p.id,
      displayName: p.displayName,
      role: p.role,
      identities: p.identities,
      limits,
      limitOverrides: p.limitOverrides,
      usage: {
        day: utcDayStart(now).toISOString().slice(0, 10),
        tokens: activity.tokensToday,
        costUsd: Math.round(activity.costTodayUsd * 1e6) / 1e6,
        messagesLastMinute: activity.messagesLastMinute,
        resetsAt: nextUtcMidnight(now).toISOString(),
      },
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  private async require(id: string): Promise<PersonRecord> {
    await this.start();
    const p = this.people.get(id);
    if (!p) throw new SwitchboardError(ErrorCode.PERSON_NOT_FOUND, `Person ${id} does not exist.`, { personId: id });
    return p;
  }

  private async reload(id: string): Promise<PersonRecord> {
    const fresh = await this.options.tx.run((m) => new PeopleStore(m).get(id));
    this.forget(id);
    if (!fresh) throw new SwitchboardError(ErrorCode.PERSON_NOT_FOUND, `Person ${id} does not exist.`, { personId: id });
    this.remember(fresh);
    return fresh;
  }

  private async merge(fromId: string, toId: string): Promise<void> {
    await this.options.onMerged?.(fromId, toId);
    await this.options.tx.run((m) => new PeopleStore(m).remove(fromId));
    this.forget(fromId);
  }

  /** Keeps an account's name fresh; a member still named after their account id takes the name too. */
  private async rename(person: PersonRecord, channel: Channel, peerId: string, displayName: string): Promise<void> {
    const placeholder = person.displayName === `Telegram ${peerId}` || person.displayName === `${channel} ${peerId}`;
    await this.options.tx.run(async (m) => {
      const store = new PeopleStore(m);
      await store.link(person.id, { channel, peerId, displayName });
      if (placeholder) await store.update(person.id, { displayName });
    });
    await this.reload(person.id);
    this.changed(person.id);
  }

  private changed(...personIds: string[]): void {
    this.options.onChange?.(personIds);
  }

  private remember(p: PersonRecord): void {
    this.edits++;
    this.people.set(p.id, p);
    for (const i of p.identities) this.accounts.set(identityKey(i.channel, i.peerId), p.id);
  }

  private forget(id: string): void {
    this.edits++;
    this.people.delete(id);
    for (const [key, personId] of this.accounts) if (personId === id) this.accounts.delete(key);
  }
}
