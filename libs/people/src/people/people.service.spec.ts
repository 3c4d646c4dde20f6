import { ErrorCode, OWNER_PERSON_ID } from '@switchboard/protocol';
import { createPostgresDataSource, createTransactionRunner } from '@switchboard/persistence';
import { openPostgresTestDatabase, type PostgresTestDataSource } from '@switchboard/persistence/testing';
import { peopleEntities, peopleMigrations } from '../people-schema';
import { openTestDatabase, type TestDatabase } from '../testing/test-database';
import type { PersonActivity } from '../limits/limits';
import { PeopleService } from './people.service';

describe('PeopleService', () => {
  let db: TestDatabase;
  let people: PeopleService;
  let activity: PersonActivity;
  let now: Date;
  const merged: Array<[string, string]> = [];

  beforeEach(async () => {
    db = await openTestDatabase();
    activity = { messagesLastMinute: 0, oldestInWindowAt: null, tokensToday: 0, costTodayUsd: 0 };
    now = new Date('2026-12-07T10:00:00.000Z');
    merged.length = 0;
    people = new PeopleService({
      tx: createTransactionRunner(db.ds),
      activity: async () => activity,
      onMerged: async (from, to) => void merged.push([from, to]),
      clock: () => now,
    });
    await people.start();
  });
  afterEach(() => db.close());

  it('has the owner from the first start, unlimited', async () => {
    const list = await people.list();
    expect(list.map((p) => [p.id, p.role])).toEqual([[OWNER_PERSON_ID, 'owner']]);
    expect(list[0].limits).toEqual({ messagesPerMinute: null, tokensPerDay: null, costPerDayUsd: null });
    expect(list[0].usage).toMatchObject({ day: '2026-12-07', resetsAt: '2026-12-08T00:00:00.000Z' });
  });

  it('a private Telegram chat belongs to its account’s person (a member, created once); the dashboard’s to the owner; a group to nobody', async () => {
    const a = await people.conversationPerson({ channel: 'telegram', peerId: '42', groupKey: null });
    expect(a).not.toBe(OWNER_PERSON_ID);
    expect(await people.conversationPerson({ channel: 'telegram', peerId: '42', groupKey: null })).toBe(a);
    expect(await people.conversationPerson({ channel: 'web', peerId: 'w', groupKey: null })).toBe(OWNER_PERSON_ID);
    expect(await people.conversationPerson({ channel: 'telegram', peerId: '-100', groupKey: '-100' })).toBeNull();
    const person = await people.get(a!);
    expect(person).toMatchObject({ role: 'member', displayName: 'Telegram 42', identities: [{ channel: 'telegram', peerId: '42' }] });
  });

  it('names the speaker from the door’s sender, else the conversation’s person; a sender’s name replaces a placeholder', async () => {
    const group = { channel: 'telegram' as const, peerId: '-100', groupKey: '-100', personId: null };
    expect(await people.speakerFor(group)).toBeNull();
    const ann = await people.speakerFor(group, { peerId: '7', displayName: 'Ann' });
    expect(ann).toMatchObject({ role: 'member' });
    expect((await people.get(ann!.personId)).displayName).toBe('Ann');
    const placeholder = await people.conversationPerson({ channel: 'telegram', peerId: '8', groupKey: null });
    await people.speakerFor({ channel: 'telegram', peerId: '8', groupKey: null, personId: placeholder }, { peerId: '8', displayName: 'Bob' });
    expect((await people.get(placeholder!)).displayName).toBe('Bob');
    expect(await people.speakerFor({ channel: 'web', peerId: 'w', groupKey: null, personId: OWNER_PERSON_ID })).toEqual({ personId: OWNER_PERSON_ID, role: 'owner' });
  });

  it('limits: a member override wins; null clears it back to the role default; the owner cannot be demoted', async () => {
    const id = (await people.personForAccount('telegram', '42')).id;
    let p = await people.update(id, { limits: { messagesPerMinute: 2, tokensPerDay: null } });
    expect(p.limits).toMatchObject({ messagesPerMinute: 2 });
    // null clears a limit back to the role default.
    expect(p.limitOverrides).toEqual({ messagesPerMinute: 2 });
    expect(p.limits.tokensPerDay).toBe(1_000_000);
    p = await people.update(id, { limits: { messagesPerMinute: null, tokensPerDay: null } });
    expect(p.limitOverrides).toEqual({});
    expect(p.limits.messagesPerMinute).toBe(20);
    await expect(people.update(OWNER_PERSON_ID, { role: 'member' })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    await expect(people.get('nobody')).rejects.toMatchObject({ code: ErrorCode.PERSON_NOT_FOUND });
  });

  it('admits within the limits and refuses over them; the owner is never counted', async () => {
    const id = (await people.personForAccount('telegram', '42')).id;
    await people.update(id, { limits: { messagesPerMinute: 1, tokensPerDay: 100 } });
    await expect(people.admit({ personId: id, role: 'member' })).resolves.toBeUndefined();
    activity = { ...activity, messagesLastMinute: 1, oldestInWindowAt: '2026-12-07T09:59:30.000Z' };
    await expect(people.admit({ personId: id, role: 'member' })).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED, details: { retryAfterSeconds: 30 } });
    activity = { ...activity, messagesLastMinute: 0, tokensToday: 100 };
    await expect(people.admit({ personId: id, role: 'member' })).rejects.toMatchObject({ code: ErrorCode.BUDGET_EXCEEDED });
    activity = { messagesLastMinute: 1000, oldestInWindowAt: null, tokensToday: 1e12, costTodayUsd: 1e6 };
    await expect(people.admit({ personId: OWNER_PERSON_ID, role: 'owner' })).resolves.toBeUndefined();
    await expect(people.admit(null)).resolves.toBeUndefined();
  });

  it('linking an account moves it; a person left with no account merges into the new one', async () => {
    const member = (await people.personForAccount('telegram', '99', 'Owner on Telegram')).id;
    const owner = await people.addIdentity(OWNER_PERSON_ID, { channel: 'telegram', peerId: '99' });
    expect(owner.identities.map((i) => `${i.channel}:${i.peerId}`)).toEqual(['telegram:99']);
    expect(merged).toEqual([[member, OWNER_PERSON_ID]]);
    await expect(people.get(member)).rejects.toMatchObject({ code: ErrorCode.PERSON_NOT_FOUND });
    expect(await people.speakerFor({ channel: 'telegram', peerId: '99', groupKey: null, personId: null }, { peerId: '99' })).toEqual({
      personId: OWNER_PERSON_ID,
      role: 'owner',
    });
    const unlinked = await people.removeIdentity(OWNER_PERSON_ID, { channel: 'telegram', peerId: '99' });
    expect(unlinked.identities).toEqual([]);
    await expect(people.removeIdentity(OWNER_PERSON_ID, { channel: 'telegram', peerId: '99' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('keeps everything across a restart (a new service on the same database)', async () => {
    const id = (await people.personForAccount('api', 'alice', 'Alice')).id;
    await people.update(id, { limits: { costPerDayUsd: 0.5 } });
    const again = new PeopleService({ tx: createTransactionRunner(db.ds), activity: async () => activity, clock: () => now });
    const alice = await again.get(id);
    expect(alice).toMatchObject({ displayName: 'Alice', limits: { costPerDayUsd: 0.5 }, identities: [{ channel: 'api', peerId: 'alice' }] });
  });

  it('/whoami says who you are and your limits, or that a group member is unknown', async () => {
    const id = (await people.personForAccount('telegram', '42', 'Ann')).id;
    activity = { ...activity, tokensToday: 1234 };
    const text = await people.describe({ personId: id, role: 'member' }, null);
    expect(text).toContain('You are Ann (member)');
    expect(text).toContain('Tokens today: 1,234 of 1,000,000');
    expect(await people.describe(null, 'telegram:-100')).toContain('remembered for the group');
  });

  it('another process’s changes are in force after invalidate(); this one’s writes are announced through onChange', async () => {
    const changes: string[][] = [];
    // A second service on the same database: what another API replica holds.
    const other = new PeopleService({ tx: createTransactionRunner(db.ds), activity: async () => activity, clock: () => now, onChange: (ids) => void changes.push(ids) });
    await other.start();
    const id = (await people.personForAccount('telegram', '42', 'Ann')).id;
    // A person it never saw is read from the database when their account speaks.
    expect(await other.speakerFor({ channel: 'telegram', peerId: '42', groupKey: null, personId: null }, { peerId: '42' })).toEqual({ personId: id, role: 'member' });
    expect(changes).toEqual([]);

    await people.update(id, { displayName: 'Annie', role: 'owner' });
    // Until told, the other copy is stale (that is what the bus is for)...
    expect((await other.get(id)).displayName).toBe('Ann');
    await other.invalidate();
    expect(await other.get(id)).toMatchObject({ displayName: 'Annie', role: 'owner' });
    expect(await other.speaker(id)).toEqual({ personId: id, role: 'owner' });

    // ...and its own writes are announced, merges included.
    await other.update(id, { role: 'member' });
    const member = (await other.personForAccount('telegram', '77', 'Bea')).id;
    await other.addIdentity(id, { channel: 'telegram', peerId: '77' });
    expect(changes).toEqual([[id], [member], [id, member]]);
    await people.invalidate();
    await expect(people.get(member)).rejects.toMatchObject({ code: ErrorCode.PERSON_NOT_FOUND });
    expect((await people.get(id)).identities.map((i) => i.peerId)).toEqual(['42', '77']);
    expect(await people.speakerFor({ channel: 'telegram', peerId: '77', groupKey: null, personId: null }, { peerId: '77' })).toEqual({ personId: id, role: 'member' });
  });
});

describe('PeopleService on PostgreSQL shared by two replicas', () => {
  let db: PostgresTestDataSource;
  let otherDs: ReturnType<typeof createPostgresDataSource>;

  beforeEach(async () => {
    db = await openPostgresTestDatabase({ entities: peopleEntities, migrations: peopleMigrations });
    otherDs = createPostgresDataSource({ url: db.url, entities: peopleEntities, migrations: peopleMigrations, poolSize: 4 });
    await otherDs.initialize();
  });
  afterEach(async () => {
    await otherDs.destroy();
    await db.close();
  });

  it('a new account seen by two replicas at the same instant becomes one member', async () => {
    const activity = async () => ({ messagesLastMinute: 0, oldestInWindowAt: null, tokensToday: 0, costTodayUsd: 0 });
    const a = new PeopleService({ tx: createTransactionRunner(db.ds), activity });
    const b = new PeopleService({ tx: createTransactionRunner(otherDs), activity });
    await Promise.all([a.start(), b.start()]);
    for (let i = 0; i < 10; i++) {
      const [fromA, fromB] = await Promise.all([a.personForAccount('telegram', `new-${i}`, 'New'), b.personForAccount('telegram', `new-${i}`, 'New')]);
      expect(fromA.id).toBe(fromB.id);
    }
    await a.invalidate();
    // The owner and ten members: nobody was created twice.
    expect(await a.list()).toHaveLength(11);
  });
});
