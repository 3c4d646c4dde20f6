/**
 * People through the real bot (fake Bot API, real API, fake LLM): two paired Telegram users,
 * A and B, and the owner's own Telegram account. The bot names the speaker of every message
 * and makes group chats their own audience; the API keeps each person's memories to them.
 * What reaches a model is read from the requests the fake LLM received (its system prompt).
 */
import type { Person, Session } from '@switchboard/protocol';
import { TEST_BOT, type SendTextInput } from './fake-bot-api';
import { eventually, startTelegramTest, turnRequests, type TelegramTest } from './harness';

const A = { id: 7001, first_name: 'Alice', last_name: 'Adams', username: 'alice' };
const B = { id: 7002, first_name: 'Bob', username: 'bobby' };
const OWNER_TG = { id: 7003, first_name: 'Olive', last_name: 'Owner', username: 'olive' };
const C = { id: 7004, first_name: 'Cleo', username: 'cleo' };
const GROUP = -100_700;
const MENTION = `@${TEST_BOT.username}`;

const FACT_A = 'Alice keeps bees on her balcony';
const FACT_OWNER = 'The owner drinks oolong tea every afternoon';
const FACT_GLOBAL = 'The office wifi network is called Lighthouse';
const FACT_GROUP = 'The family meets for lunch on Sundays';

type User = typeof A | typeof B | typeof OWNER_TG | typeof C;

describe('Telegram: people, their memories and their limits (e2e)', () => {
  let t: TelegramTest;
  beforeAll(async () => {
    t = await startTelegramTest({
      env: { TELEGRAM_ALLOW_FROM: [A, B, OWNER_TG, C].map((u) => u.id).join(','), TELEGRAM_ALLOW_GROUPS: String(GROUP) },
    });
    await t.api.client.setMemorySettings({ enabled: true, silent: true });
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.api.fake.reset());

  const client = () => t.api.client;
  const systemOf = (req: { messages: Array<{ role: string; content: string }> }) =>
    req.messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n');

  /** Sends a text from a user (their DM, or the group) and waits for the bot's complete answer. */
  async function say(from: User, text: string, where: 'dm' | 'group' = 'dm'): Promise<string> {
    const chatId = where === 'dm' ? from.id : GROUP;
    const before = t.tg.callsOf('sendMessage').length;
    const input: SendTextInput = where === 'dm' ? { text, chatId, from } : { text: `${MENTION} ${text}`, chatId, chatType: 'supergroup', from };
    t.tg.sendText(input);
    return (await t.tg.waitForReply(chatId, before)).text;
  }
  /** One model turn from a user; returns the system prompt the model was given. */
  async function turn(from: User, text: string, where: 'dm' | 'group' = 'dm'): Promise<string> {
    const reply = await say(from, text, where);
    expect(reply).toBe(`Echo: ${text}`);
    const req = turnRequests(t).find((r) => r.messages.at(-1)?.content.includes(text));
    expect(req).toBeDefined();
    return systemOf(req!);
  }
  const sessionOf = async (peerId: string | number): Promise<Session> =>
    (await client().listSessions({ channel: 'telegram' })).sessions.find((s) => s.peerId === String(peerId))!;
  const personOf = async (user: User): Promise<Person> => {
    const { people } = await client().listPeople();
    const found = people.find((p) => p.identities.some((i) => i.channel === 'telegram' && i.peerId === String(user.id)));
    if (!found) throw new Error(`no person has telegram account ${user.id}: ${JSON.stringify(people.map((p) => [p.id, p.identities]))}`);
    return found;
  };
  /** A group memory's id: `channel:group` (the session's group key may already carry the channel). */
  const groupIdOf = (s: Session) => (s.group!.startsWith('telegram:') ? s.group! : `telegram:${s.group}`);

  it('names the speaker of every message: allowlisted users become members with their Telegram names', async () => {
    await turn(A, 'hello from Alice');
    await turn(B, 'hello from Bob');
    await turn(OWNER_TG, 'hello from my own phone');

    const alice = await personOf(A);
    expect(alice).toMatchObject({ role: 'member', displayName: 'Alice Adams' });
    expect((await personOf(B)).displayName).toBe('Bob');
    const session = await sessionOf(A.id);
    expect(session.person).toMatchObject({ id: alice.id, displayName: 'Alice Adams' });
    expect(session.group ?? null).toBeNull();
    const user = (await client().listMessages(session.id)).messages.find((m) => m.role === 'user' && m.content === 'hello from Alice');
    expect(user?.personId).toBe(alice.id);
    // Until the owner links it, the owner's Telegram account is just another member.
    expect((await personOf(OWNER_TG)).id).not.toBe('owner');
  });

  it('makes a group chat its own audience (with `group`), and names who spoke in it', async () => {
    await turn(A, 'hi everyone', 'group');
    await turn(B, 'hi from Bob too', 'group');
    const group = await sessionOf(GROUP);
    expect(group.group).toBeTruthy();
    expect(groupIdOf(group)).toBe(`telegram:${GROUP}`);
    expect(group.person ?? null).toBeNull();
    const users = (await client().listMessages(group.id)).messages.filter((m) => m.role === 'user');
    expect(users.map((m) => m.personId)).toEqual([(await personOf(A)).id, (await personOf(B)).id]);
  });

  it("injects a person's memories into their turns only; global memories everywhere; a group's only in that group", async () => {
    const alice = await personOf(A);
    const group = await sessionOf(GROUP);
    const accepted = (d: { action: string }) => expect(['accepted', 'merged']).toContain(d.action);
    accepted(await client().createMemory({ content: FACT_A, scope: 'person', personId: alice.id }));
    accepted(await client().createMemory({ content: FACT_OWNER, scope: 'person', personId: 'owner' }));
    accepted(await client().createMemory({ content: FACT_GLOBAL, scope: 'global' }));
    accepted(await client().createMemory({ content: FACT_GROUP, scope: 'group', groupId: groupIdOf(group) }));

    const inA = await turn(A, 'what do you know about me?');
    expect(inA).toContain(FACT_A);
    expect(inA).toContain(FACT_GLOBAL);
    expect(inA).not.toContain(FACT_OWNER);
    expect(inA).not.toContain(FACT_GROUP);

    const inB = await turn(B, 'and about me?');
    expect(inB).toContain(FACT_GLOBAL);
    for (const fact of [FACT_A, FACT_OWNER, FACT_GROUP]) expect(inB).not.toContain(fact);

    // The owner's own Telegram account is not the owner yet: no owner memories there.
    const inOwnerTg = await turn(OWNER_TG, 'anything about me?');
    expect(inOwnerTg).toContain(FACT_GLOBAL);
    for (const fact of [FACT_A, FACT_OWNER, FACT_GROUP]) expect(inOwnerTg).not.toContain(fact);

    // In the group: the group's memories (and the speaker's own), never another person's.
    const bInGroup = await turn(B, 'what does this group do?', 'group');
    expect(bInGroup).toContain(FACT_GROUP);
    expect(bInGroup).toContain(FACT_GLOBAL);
    expect(bInGroup).not.toContain(FACT_A);
    expect(bInGroup).not.toContain(FACT_OWNER);
    const aInGroup = await turn(A, 'remind the group of our plans', 'group');
    expect(aInGroup).toContain(FACT_GROUP);
    expect(aInGroup).not.toContain(FACT_OWNER);

    // Back in a DM the group's memory stays behind.
    expect(await turn(A, 'and now, just us?')).not.toContain(FACT_GROUP);
  });

  it("/memory lists only what the speaker may see: B never sees A's facts", async () => {
    const calls = turnRequests(t).length;
    const forA = await say(A, '/memory');
    expect(forA).toContain(FACT_A);
    const forB = await say(B, '/memory');
    expect(forB).not.toContain(FACT_A);
    expect(forB).not.toContain(FACT_OWNER);
    expect(forB).not.toMatch(/bees/i);
    expect(turnRequests(t).length).toBe(calls);
  });

  it("/whoami tells the speaker who they are to the assistant, without a model turn", async () => {
    const calls = turnRequests(t).length;
    expect(await say(B, '/whoami')).toContain('Bob');
    expect(turnRequests(t).length).toBe(calls);
  });

  it("linking the owner's Telegram id makes the owner's memories available in the owner's Telegram chat", async () => {
    const { person } = await client().addIdentity('owner', { channel: 'telegram', peerId: String(OWNER_TG.id) });
    expect(person.identities).toContainEqual(expect.objectContaining({ channel: 'telegram', peerId: String(OWNER_TG.id) }));
    expect((await personOf(OWNER_TG)).id).toBe('owner');

    const inOwnerTg = await turn(OWNER_TG, 'what do I drink in the afternoon?');
    expect(inOwnerTg).toContain(FACT_OWNER);
    expect(inOwnerTg).not.toContain(FACT_A);
    // And still never in A's or B's chats.
    expect(await turn(A, 'one more question')).not.toContain(FACT_OWNER);
    expect(await turn(B, 'one more from Bob')).not.toContain(FACT_OWNER);
  });

  it('a member over messages-per-minute gets the friendly RATE_LIMITED reply; nothing is stored and no model is called', async () => {
    await turn(C, 'first message from Cleo');
    const cleo = await personOf(C);
    const { person } = await client().updatePerson(cleo.id, { limits: { messagesPerMinute: 1 } });
    expect(person.limits.messagesPerMinute).toBe(1);
    const session = await sessionOf(C.id);
    const stored = (await client().listMessages(session.id)).messages.length;
    const calls = t.api.fake.requests.length;

    const reply = await say(C, 'second message, too soon');
    expect(reply).toMatch(/^⏳ You're sending messages too fast — try again in \d+ seconds?\.$/);
    expect((await client().listMessages(session.id)).messages.length).toBe(stored);
    expect(t.api.fake.requests.length).toBe(calls);

    // Cleared back to the role default: Cleo can talk again.
    await client().updatePerson(cleo.id, { limits: { messagesPerMinute: null } });
    await eventually(() => client().getPerson(cleo.id), (r) => r.person.limitOverrides.messagesPerMinute === undefined, 'the override to be cleared');
  });
});
