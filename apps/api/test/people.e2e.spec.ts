import OpenAI from 'openai';
import { OWNER_PERSON_ID, SwitchboardApiError, type Person } from '@switchboard/protocol';
import { AUTH_HEADERS, JSON_AUTH_HEADERS, TEST_TOKEN, eventually, rawRequest, startTestApi, turnRequests, type TestApi } from './harness';

/*
 * People through the real API: who a conversation belongs to, who speaks, the people routes,
 * and limits refused in every door before anything is stored or any model is called.
 */

let offsetMs = 0;
let t: TestApi;
beforeAll(async () => {
  t = await startTestApi({ clock: () => new Date(Date.now() + offsetMs) });
});
afterAll(() => t.close());

async function personOfAccount(channel: string, peerId: string): Promise<Person> {
  const { people } = await t.client.listPeople();
  const found = people.find((p) => p.identities.some((i) => i.channel === channel && i.peerId === peerId));
  if (!found) throw new Error(`no person has ${channel}:${peerId}`);
  return found;
}

describe('people (e2e)', () => {
  it('the owner exists from the first start; the dashboard’s conversations are the owner’s', async () => {
    const { people } = await t.client.listPeople();
    expect(people[0]).toMatchObject({ id: OWNER_PERSON_ID, role: 'owner', limits: { messagesPerMinute: null, tokensPerDay: null, costPerDayUsd: null } });
    const web = await t.client.createSession({ channel: 'web', peerId: 'people-web' });
    expect(web.person).toEqual({ id: OWNER_PERSON_ID, displayName: 'Owner', role: 'owner' });
    expect(web.group).toBeNull();
  });

  it('a private Telegram chat belongs to its user (a member); a group chat to nobody, with its group key', async () => {
    const chat = await t.client.createSession({ channel: 'telegram', peerId: '4242' });
    expect(chat.person).toMatchObject({ role: 'member', displayName: 'Telegram 4242' });
    const group = await t.client.createSession({ channel: 'telegram', peerId: '-100777', group: '-100777' });
    expect(group).toMatchObject({ person: null, group: '-100777' });
    // A forum topic of a group the door did not mark is still that group.
    const topic = await t.client.createSession({ channel: 'telegram', peerId: '-100777:12' });
    expect(topic.group).toBe('-100777');
  });

  it('a group message names its sender: the message records the person, created on first sight with the name the door gave', async () => {
    const group = await t.client.createSession({ channel: 'telegram', peerId: '-100888', group: '-100888' });
    const res = await t.client.sendMessage(group.id, { text: 'hello group', wait: true, sender: { peerId: '5151', displayName: 'Carol' } });
    const carol = await personOfAccount('telegram', '5151');
    expect(carol).toMatchObject({ displayName: 'Carol', role: 'member' });
    expect(res.message?.personId).toBe(carol.id);
    const usage = await t.client.getUsageReport({ personId: carol.id });
    expect(usage.personId).toBe(carol.id);
    expect(usage.primary.calls).toBe(1);
    // The owner's report does not count Carol's turn.
    expect((await t.client.getUsageReport({ personId: OWNER_PERSON_ID })).sessions.map((s) => s.sessionId)).not.toContain(group.id);
  });

  it('an approved Telegram user becomes a member named after their account', async () => {
    await t.client.addApprovedUser('telegram', { userId: '6161', displayName: 'Dan' });
    expect(await personOfAccount('telegram', '6161')).toMatchObject({ displayName: 'Dan', role: 'member' });
  });

  it('PATCH sets and clears limits, renames; unknown people are 404 and bad bodies 400, changing nothing', async () => {
    const dan = await personOfAccount('telegram', '6161');
    const set = await t.client.updatePerson(dan.id, { displayName: 'Daniel', limits: { messagesPerMinute: 3, costPerDayUsd: 0.25 } });
    expect(set.person).toMatchObject({ displayName: 'Daniel', limits: { messagesPerMinute: 3, costPerDayUsd: 0.25 }, limitOverrides: { messagesPerMinute: 3, costPerDayUsd: 0.25 } });
    const cleared = await t.client.updatePerson(dan.id, { limits: { messagesPerMinute: null } });
    expect(cleared.person.limitOverrides).toEqual({ costPerDayUsd: 0.25 });
    expect(cleared.person.limits.messagesPerMinute).toBe(20);

    const missing = await rawRequest(t.api.url, 'GET', '/api/v1/people/nobody', { headers: AUTH_HEADERS });
    expect(missing.status).toBe(404);
    expect(missing.json.error?.code).toBe('PERSON_NOT_FOUND');
    const bad = await rawRequest(t.api.url, 'PATCH', `/api/v1/people/${dan.id}`, { headers: JSON_AUTH_HEADERS, body: JSON.stringify({ limits: { tokensPerDay: -5 } }) });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe('VALIDATION_FAILED');
    const demote = await rawRequest(t.api.url, 'PATCH', `/api/v1/people/${OWNER_PERSON_ID}`, { headers: JSON_AUTH_HEADERS, body: JSON.stringify({ role: 'member' }) });
    expect(demote.status).toBe(403);
    expect((await t.client.getPerson(dan.id)).person.displayName).toBe('Daniel');
    expect((await t.client.getPerson(OWNER_PERSON_ID)).person.role).toBe('owner');
  });

  it('linking the owner’s Telegram account makes that chat the owner’s; unlinking leaves the person', async () => {
    const chat = await t.client.createSession({ channel: 'telegram', peerId: '9090' });
    const member = chat.person!;
    expect(member.role).toBe('member');
    const owner = await t.client.addIdentity(OWNER_PERSON_ID, { channel: 'telegram', peerId: '9090' });
    expect(owner.person.identities.map((i) => `${i.channel}:${i.peerId}`)).toContain('telegram:9090');
    // The member had no other account: merged into the owner (their conversation included).
    await expect(t.client.getPerson(member.id)).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND' });
    expect((await t.client.getSession(chat.id)).person?.id).toBe(OWNER_PERSON_ID);
    const reply = await t.client.sendMessage(chat.id, { text: '/whoami' });
    expect(reply.reply?.content).toContain('You are Owner (owner)');
    const unlinked = await t.client.removeIdentity(OWNER_PERSON_ID, { channel: 'telegram', peerId: '9090' });
    expect(unlinked.person.identities.some((i) => i.peerId === '9090')).toBe(false);
    const gone = await rawRequest(t.api.url, 'DELETE', `/api/v1/people/${OWNER_PERSON_ID}/identities?channel=telegram&peerId=9090`, { headers: AUTH_HEADERS });
    expect(gone.status).toBe(404);
  });

  it('the OpenAPI document has the people routes', async () => {
    const doc = await rawRequest(t.api.url, 'GET', '/api/docs-json', { headers: AUTH_HEADERS });
    const paths = Object.keys((doc.json as unknown as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/people', '/api/v1/people/{id}', '/api/v1/people/{id}/identities']));
  });
});

describe('limits per person (e2e)', () => {
  it('over messages per minute: RATE_LIMITED in REST and on the WebSocket, nothing stored, no model called', async () => {
    const chat = await t.client.createSession({ channel: 'telegram', peerId: '7070' });
    const member = chat.person!;
    await t.client.updatePerson(member.id, { limits: { messagesPerMinute: 1 } });
    await t.client.sendMessage(chat.id, { text: 'first', wait: true });
    const calls = turnRequests(t.fake).length;
    const before = (await t.client.listMessages(chat.id)).messages.length;

    const rest = await rawRequest(t.api.url, 'POST', `/api/v1/sessions/${chat.id}/messages`, { headers: JSON_AUTH_HEADERS, body: JSON.stringify({ text: 'second' }) });
    expect(rest.status).toBe(429);
    expect(rest.json.error).toMatchObject({ code: 'RATE_LIMITED', details: { limit: 'messagesPerMinute', personId: member.id } });
    expect(rest.json.error!.details!.retryAfterSeconds).toBeGreaterThan(0);

    const socket = await t.socket();
    const ws = await socket.call('session.send', { sessionId: chat.id, text: 'third' }).catch((e: unknown) => e);
    expect(ws).toBeInstanceOf(SwitchboardApiError);
    expect(ws).toMatchObject({ code: 'RATE_LIMITED' });

    // Commands are not messages to a model: /whoami still answers, and says so.
    const whoami = await t.client.sendMessage(chat.id, { text: '/whoami' });
    expect(whoami.reply?.content).toContain('1 of 1 in the last minute');

    expect((await t.client.listMessages(chat.id)).messages.length).toBe(before);
    expect(turnRequests(t.fake).length).toBe(calls);
    // The owner is not limited.
    const mine = await t.client.createSession({ channel: 'web', peerId: 'owner-fast' });
    for (let i = 0; i < 3; i++) expect((await t.client.sendMessage(mine.id, { text: `owner ${i}` })).queued !== undefined).toBe(true);
    // Their turns run in the background: let them end here, or their model calls land in the next test's counts.
    await eventually(() => t.client.getSession(mine.id), (x) => x.status === 'idle' && x.queueLength === 0, 'owner turns done');
  });

  it('the OpenAI door: `user` names a person; over their limit it answers OpenAI’s 429 (the openai SDK sees a RateLimitError), stateless and with a session key', async () => {
    const openai = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${t.api.url}/v1`, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'quick', user: 'alice', messages: [{ role: 'user', content: 'hi' }] });
    const alice = await personOfAccount('api', 'alice');
    expect(alice.role).toBe('member');
    // A stateless call stores no message; it counts toward the rate through its usage.
    await t.client.updatePerson(alice.id, { limits: { messagesPerMinute: 1 } });
    const rated = await openai.chat.completions.create({ model: 'quick', user: 'alice', messages: [{ role: 'user', content: 'too soon' }] }).catch((e: unknown) => e);
    expect(rated).toBeInstanceOf(OpenAI.RateLimitError);
    expect((rated as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    expect(Number((rated as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after'))).toBeGreaterThan(0);
    const keyedRate = await openai.chat.completions
      .create({ model: 'quick', user: 'alice', messages: [{ role: 'user', content: 'in a conversation' }] }, { headers: { 'X-Session-Key': 'alice-rate' } })
      .catch((e: unknown) => e);
    expect(keyedRate).toBeInstanceOf(OpenAI.RateLimitError);
    // Refused before the conversation existed: nothing left behind.
    expect((await t.client.listSessions({ channel: 'api' })).sessions.some((s) => s.peerId === 'alice-rate')).toBe(false);
    await t.client.updatePerson(alice.id, { limits: { messagesPerMinute: null, tokensPerDay: 1 } });
    const calls = turnRequests(t.fake).length;
    const err = await openai.chat.completions.create({ model: 'quick', user: 'alice', messages: [{ role: 'user', content: 'again' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    const streamed = await openai.chat.completions
      .create({ model: 'quick', user: 'alice', stream: true, messages: [{ role: 'user', content: 'streamed' }] })
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(OpenAI.RateLimitError);
    const keyed = await openai.chat.completions
      .create({ model: 'quick', user: 'alice', messages: [{ role: 'user', content: 'in a conversation' }] }, { headers: { 'X-Session-Key': 'alice-conv' } })
      .catch((e: unknown) => e);
    expect(keyed).toBeInstanceOf(OpenAI.RateLimitError);
    expect(turnRequests(t.fake).length).toBe(calls);
    // Someone else is not affected.
    const bob = await openai.chat.completions.create({ model: 'quick', user: 'bob', messages: [{ role: 'user', content: 'hi' }] });
    expect(bob.choices[0].message.content).toBe('Echo: hi');
  });

  it('a daily token budget refuses the next turn once spent and lets it through after the UTC day turns', async () => {
    const chat = await t.client.createSession({ channel: 'telegram', peerId: '8080' });
    await t.client.updatePerson(chat.person!.id, { limits: { tokensPerDay: 5 } });
    await t.client.sendMessage(chat.id, { text: 'spend my tokens', wait: true });
    const person = (await t.client.getPerson(chat.person!.id)).person;
    expect(person.usage.tokens).toBeGreaterThanOrEqual(5);
    const refused = await rawRequest(t.api.url, 'POST', `/api/v1/sessions/${chat.id}/messages`, { headers: JSON_AUTH_HEADERS, body: JSON.stringify({ text: 'more' }) });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { limit: 'tokensPerDay', resetsAt: person.usage.resetsAt } });

    // The next UTC day: yesterday's tokens no longer count.
    offsetMs = Date.parse(person.usage.resetsAt) - Date.now() + 1000;
    try {
      const ok = await t.client.sendMessage(chat.id, { text: 'a new day', wait: true });
      expect(ok.reply?.status).toBe('complete');
    } finally {
      offsetMs = 0;
    }
  });

  it('delegated calls (the title) count toward the person whose turn caused them', async () => {
    const chat = await t.client.createSession({ channel: 'telegram', peerId: '6060' });
    await t.client.sendMessage(chat.id, { text: 'please title this conversation', wait: true });
    const report = await eventually(
      () => t.client.getUsageReport({ personId: chat.person!.id }),
      (r) => 'classification' in r.delegation,
      'the title call in the person’s usage',
    );
    expect(report.delegation.classification.calls).toBe(1);
    expect(report.byPerson?.[chat.person!.id]?.calls).toBe(report.total.calls);
  });
});

describe('memories name real people (e2e)', () => {
  it('a memory for a person who does not exist is PERSON_NOT_FOUND and nothing is stored', async () => {
    const before = (await t.client.listMemories()).memories.length;
    const res = await rawRequest(t.api.url, 'POST', '/api/v1/memories', {
      headers: JSON_AUTH_HEADERS,
      body: JSON.stringify({ content: 'Likes green tea', scope: 'person', personId: 'nobody' }),
    });
    expect(res.status).toBe(404);
    expect(res.json.error?.code).toBe('PERSON_NOT_FOUND');
    const list = await rawRequest(t.api.url, 'GET', '/api/v1/memories?personId=nobody', { headers: AUTH_HEADERS });
    expect(list.status).toBe(404);
    expect((await t.client.listMemories()).memories.length).toBe(before);
  });
});
