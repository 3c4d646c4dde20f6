import { ErrorCode, SwitchboardError, type PersonRef, type Sender } from '@switchboard/protocol';
import type { TurnSpeaker } from '@switchboard/models';
import type { ConversationAudience, PeoplePort, TurnHooks } from './engine/engine.types';
import { createSessionHarness, type SessionHarness } from './testing/session-harness';
import { TEST_DIALECTS } from './testing/test-database';

/** A people port with two members and the owner; Bob is over his limit. */
class FakePeople implements PeoplePort {
  readonly admitted: Array<string | null> = [];
  private readonly roles = new Map<string, TurnSpeaker['role']>([
    ['owner', 'owner'],
    ['ann', 'member'],
    ['bob', 'member'],
  ]);

  async conversationPerson(c: Omit<ConversationAudience, 'personId'>): Promise<string | null> {
    if (c.groupKey) return null;
    return c.channel === 'telegram' ? (c.peerId === '1' ? 'ann' : 'bob') : 'owner';
  }
  async speakerFor(c: ConversationAudience, sender?: Sender | null): Promise<TurnSpeaker | null> {
    if (sender) return this.speaker(sender.peerId === '1' ? 'ann' : 'bob');
    return c.personId ? this.speaker(c.personId) : null;
  }
  async speaker(personId: string): Promise<TurnSpeaker | null> {
    const role = this.roles.get(personId);
    return role ? { personId, role } : null;
  }
  async admit(speaker: TurnSpeaker | null): Promise<void> {
    this.admitted.push(speaker?.personId ?? null);
    if (speaker?.personId === 'bob') throw new SwitchboardError(ErrorCode.RATE_LIMITED, 'Too many messages.', { retryAfterSeconds: 30 });
  }
  async refs(ids: Iterable<string>): Promise<Map<string, PersonRef>> {
    return new Map([...ids].map((id) => [id, { id, displayName: id.toUpperCase(), role: this.roles.get(id) ?? 'member' }]));
  }
}

/** The conversation door: commands or turns, by a known speaker, within their limits. */
describe.each(TEST_DIALECTS)('Conversation (the door for text) on %s', (dialect) => {
  let h: SessionHarness;
  let people: FakePeople;
  const seen: Array<{ speaker: TurnSpeaker | null; groupId: string | null }> = [];
  const hook: TurnHooks = { name: 'spy', prepare: async (ctx) => void seen.push({ speaker: ctx.speaker, groupId: ctx.groupId }) };

  beforeEach(async () => {
    people = new FakePeople();
    seen.length = 0;
    h = await createSessionHarness({ dialect, engine: { people, hooks: [hook] } });
  });
  afterEach(() => h.close());

  it('a private conversation is its person’s; its turns are theirs, stored with their id', async () => {
    const s = await h.engine.createSession({ channel: 'telegram', peerId: '1' });
    expect(s.person).toEqual({ id: 'ann', displayName: 'ANN', role: 'member' });
    const res = await h.engine.send(s.id, { text: 'hello', wait: true });
    expect(res.message?.personId).toBe('ann');
    expect(seen).toEqual([{ speaker: { personId: 'ann', role: 'member' }, groupId: null }]);
    expect(people.admitted).toEqual(['ann']);
  });

  it('in a group the sender speaks; the turn knows its group', async () => {
    const g = await h.engine.createSession({ channel: 'telegram', peerId: '-100:7', group: '-100' });
    expect(g).toMatchObject({ person: null, group: '-100' });
    const res = await h.engine.send(g.id, { text: 'hi all', wait: true, sender: { peerId: '1' } });
    expect(res.message?.personId).toBe('ann');
    expect(seen).toEqual([{ speaker: { personId: 'ann', role: 'member' }, groupId: 'telegram:-100' }]);
  });

  it('over the limit: refused before anything is stored or any model called, queued or not', async () => {
    const s = await h.engine.createSession({ channel: 'telegram', peerId: '2' });
    const calls = h.fake.requests.length;
    await expect(h.engine.send(s.id, { text: 'hello', wait: true })).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED });
    expect(await h.engine.listMessages(s.id)).toEqual([]);
    expect((await h.engine.listQueue(s.id)).queue).toEqual([]);
    expect(h.fake.requests.length).toBe(calls);
    // An explicit model in the refused message did not become the session's either.
    await expect(h.engine.send(s.id, { text: 'hello', model: 'quick' })).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED });
    expect((await h.engine.getSession(s.id)).modelOverride).toBeNull();
  });

  it('commands are not limited and see the speaker; a scheduled job’s message is not limited', async () => {
    const seenByCommand: Array<TurnSpeaker | null> = [];
    h = await (async () => {
      await h.close();
      return createSessionHarness({
        dialect,
        engine: { people, hooks: [hook], commands: [{ name: 'whoami', run: async (ctx) => (seenByCommand.push(ctx.speaker), { text: `you are ${ctx.speaker?.personId}` }) }] },
      });
    })();
    const s = await h.engine.createSession({ channel: 'telegram', peerId: '2' });
    const res = await h.engine.send(s.id, { text: '/whoami' });
    expect(res.reply?.content).toBe('you are bob');
    expect(seenByCommand).toEqual([{ personId: 'bob', role: 'member' }]);
    const job = await h.engine.sendText(s.id, { text: 'daily digest', wait: true }, { job: { model: null } });
    expect(job.reply?.status).toBe('complete');
    expect(job.message?.personId).toBe('bob');
  });
});
