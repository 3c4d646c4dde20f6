import { SwitchboardApiError, type Message } from '@switchboard/protocol';
import { fakeCatalog } from '@switchboard/tools/testing';
import { eventually, JSON_AUTH_HEADERS, lastTurnRequest, rawRequest, startTestApi, turnRequests, type TestApi } from './harness';

/** Retry, regenerate, edit and resend: one turn entry, history archived (`superseded`), never lost. */
describe('message actions (e2e)', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({
      config: (fake) => {
        const base = fakeCatalog(fake) as { providers: Record<string, unknown>; models: unknown[] };
        return {
          ...base,
          // A provider nobody listens on: "could not be reached", not a raw ECONNREFUSED.
          providers: { ...base.providers, dead: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'dead-key-0123456789' } },
          models: [...base.models, { id: 'dead', provider: 'dead', model: 'nobody-home', label: 'Dead Provider' }],
          failover: { retries: 0 },
        };
      },
    });
  });
  afterAll(() => t.close());
  afterEach(() => t.fake.clearRules());

  const history = async (id: string): Promise<Message[]> => (await t.client.listMessages(id)).messages;
  const live = (ms: Message[]) => ms.filter((m) => m.status !== 'superseded');
  const prompt = () => lastTurnRequest(t.fake).messages.filter((m) => m.role !== 'system').map((m) => `${m.role}:${m.content}`);

  it('a failed reply stores a human error kind; retry after the provider recovers re-runs the turn and archives the failed attempt', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'retry-1' });
    t.fake.addRule({ status: 401 });
    await t.client.sendMessage(s.id, { text: 'what is the capital of France', wait: true });
    let ms = await history(s.id);
    const failed = ms.find((m) => m.role === 'assistant')!;
    expect(failed.status).toBe('error');
    const error = ms.find((m) => m.kind === 'turn_error')!;
    expect(error.event).toMatchObject({ errorKind: 'auth', status: 401 });

    t.fake.clearRules();
    const r = await t.client.retryMessage(s.id, failed.id, { wait: true });
    expect(r.message).toMatchObject({ role: 'user', content: 'what is the capital of France' });
    expect(r.reply).toMatchObject({ status: 'complete', content: 'Echo: what is the capital of France' });
    expect(r.archivedMessageIds).toEqual(expect.arrayContaining([failed.id, error.id]));

    ms = await history(s.id);
    // Kept, marked superseded with why and what it was; out of the live conversation.
    const old = ms.find((m) => m.id === failed.id)!;
    expect(old.status).toBe('superseded');
    expect(old.event).toMatchObject({ archived: { reason: 'retry', turnId: r.turnId, previousStatus: 'error' } });
    expect(live(ms).filter((m) => m.kind === 'text').map((m) => `${m.role}:${m.content}`)).toEqual([
      'user:what is the capital of France',
      'assistant:Echo: what is the capital of France',
    ]);
    // The model saw the question once.
    expect(prompt()).toEqual(['user:what is the capital of France']);
  });

  it('classifies an unreachable provider and a rate limit', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'retry-kinds' });
    t.fake.addRule({ status: 429 });
    await t.client.sendMessage(s.id, { text: 'slow down', wait: true });
    const events = (await history(s.id)).filter((m) => m.kind === 'turn_error');
    expect(events.at(-1)!.event).toMatchObject({ errorKind: 'rate_limited', status: 429 });
    t.fake.clearRules();
    const dead = await t.client.sendMessage(s.id, { text: 'anyone there', model: 'dead', wait: true });
    expect(dead.reply?.status).toBe('error');
    const last = (await history(s.id)).filter((m) => m.kind === 'turn_error').at(-1)!;
    expect(last.event).toMatchObject({ errorKind: 'unreachable', modelConfigId: 'dead' });
    // Back on a working model, the failed reply is retried there.
    const again = await t.client.retryMessage(s.id, dead.reply!.id, { model: 'main', wait: true });
    expect(again.reply).toMatchObject({ status: 'complete', content: 'Echo: anyone there' });
  });

  it('regenerates the latest reply with another model: the old reply is archived, the model never sees it', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'regen-1' });
    await t.client.sendMessage(s.id, { text: 'first question', wait: true });
    t.fake.addRule({ match: 'second question', reply: 'a reply I do not like', times: 1 });
    const sent = await t.client.sendMessage(s.id, { text: 'second question', wait: true });
    const disliked = sent.reply!;
    const r = await t.client.retryMessage(s.id, disliked.id, { model: 'quick', wait: true });
    expect(r.reply).toMatchObject({ content: 'Echo: second question', modelConfigId: 'quick', modelSource: 'explicit' });
    expect(lastTurnRequest(t.fake).model).toBe('fake-quick');
    expect(prompt()).toEqual(['user:first question', 'assistant:Echo: first question', 'user:second question']);
    const ms = await history(s.id);
    expect(ms.find((m) => m.id === disliked.id)).toMatchObject({ status: 'superseded', content: 'a reply I do not like' });
    // The engine switch is shown like any other.
    expect(live(ms).some((m) => m.kind === 'engine_switch')).toBe(true);
    // The explicit model is the conversation's model from now on, as with a send.
    expect((await t.client.getSession(s.id)).modelOverride).toBe('quick');
  });

  it('edit and resend: continues from the edited message; it and every later turn stay in history, archived', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'edit-1' });
    const one = await t.client.sendMessage(s.id, { text: 'one', wait: true });
    await t.client.sendMessage(s.id, { text: 'two', wait: true });
    await t.client.sendMessage(s.id, { text: 'three', wait: true });
    const before = await history(s.id);
    const two = before.find((m) => m.role === 'user' && m.content === 'two')!;

    const r = await t.client.editMessage(s.id, two.id, { text: 'two, edited', wait: true });
    expect(r.reply?.content).toBe('Echo: two, edited');
    expect(prompt()).toEqual(['user:one', `assistant:${one.reply!.content}`, 'user:two, edited']);

    const after = await history(s.id);
    const archived = after.filter((m) => m.status === 'superseded').map((m) => m.content);
    expect(archived).toEqual(['two', 'Echo: two', 'three', 'Echo: three']);
    expect(after.filter((m) => m.status === 'superseded').every((m) => (m.event?.archived as { reason: string }).reason === 'edit')).toBe(true);
    expect(live(after).filter((m) => m.kind === 'text').map((m) => m.content)).toEqual(['one', 'Echo: one', 'two, edited', 'Echo: two, edited']);
    // Nothing lost: every message that was there is still listed.
    expect(before.every((b) => after.some((a) => a.id === b.id && a.content === b.content))).toBe(true);
  });

  it('refuses what it cannot do, with a code, changing nothing', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'refuse-1' });
    const a = await t.client.sendMessage(s.id, { text: 'alpha', wait: true });
    await t.client.sendMessage(s.id, { text: 'beta', wait: true });
    const ms = await history(s.id);
    const calls = turnRequests(t.fake).length;
    const post = (messageId: string, action: string, body: unknown, session = s.id) =>
      rawRequest(t.api.url, 'POST', `/api/v1/sessions/${session}/messages/${messageId}/${action}`, { headers: JSON_AUTH_HEADERS, body: JSON.stringify(body) });

    expect((await post('no-such-message', 'retry', {})).json.error?.code).toBe('MESSAGE_NOT_FOUND');
    expect((await post('no-such-message', 'retry', {})).status).toBe(404);
    expect((await post(a.reply!.id, 'retry', {}, 'no-such-session')).json.error?.code).toBe('SESSION_NOT_FOUND');
    // Only the latest reply can be retried; a user message is not a reply; a reply is not editable.
    const older = await post(a.reply!.id, 'retry', {});
    expect(older.status).toBe(409);
    expect(older.json.error?.code).toBe('MESSAGE_NOT_ACTIONABLE');
    expect((await post(a.message!.id, 'retry', {})).json.error?.code).toBe('MESSAGE_NOT_ACTIONABLE');
    expect((await post(a.reply!.id, 'edit', { text: 'x' })).json.error?.code).toBe('MESSAGE_NOT_ACTIONABLE');
    // Bad bodies and models.
    expect((await post(a.message!.id, 'edit', { text: '   ' })).status).toBe(400);
    expect((await post(a.message!.id, 'edit', { text: 'ok', extra: 1 })).status).toBe(400);
    const badModel = await post(a.message!.id, 'edit', { text: 'ok', model: 'no-such-model' });
    expect(badModel.status).toBe(400);
    expect(badModel.json.error?.code).toBe('INVALID_MODEL');
    // A message of another conversation is not found here.
    const other = await t.client.createSession({ channel: 'api', peerId: 'refuse-2' });
    expect((await post(a.message!.id, 'edit', { text: 'ok' }, other.id)).json.error?.code).toBe('MESSAGE_NOT_FOUND');

    expect(await history(s.id)).toEqual(ms);
    expect(turnRequests(t.fake).length).toBe(calls);
  });

  it('while a reply streams: SESSION_BUSY (never queued), nothing changes; after it ends the retry runs', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'busy-1' });
    const first = await t.client.sendMessage(s.id, { text: 'quick one', wait: true });
    t.fake.addRule({ match: 'slow one', reply: 'a slow reply that streams for a while', chunkDelayMs: 150, times: 1 });
    await t.client.sendMessage(s.id, { text: 'slow one' });
    await eventually(() => t.client.getSession(s.id), (x) => x.status === 'running', 'the slow turn running');
    const ms = await history(s.id);
    const busy = await t.client.editMessage(s.id, first.message!.id, { text: 'changed' }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(SwitchboardApiError);
    expect(busy).toMatchObject({ code: 'SESSION_BUSY', status: 409 });
    expect((await history(s.id)).map((m) => m.id)).toEqual(ms.map((m) => m.id));
    await t.client.abort(s.id);
    const stopped = (await history(s.id)).filter((m) => m.role === 'assistant').at(-1)!;
    expect(stopped.status).toBe('interrupted');
    const r = await t.client.retryMessage(s.id, stopped.id, { wait: true });
    expect(r.reply?.content).toBe('Echo: slow one');
  });

  it("respects the speaker's limits: RATE_LIMITED before anything is archived or any model call", async () => {
    const chat = await t.client.createSession({ channel: 'telegram', peerId: '9191' });
    await t.client.updatePerson(chat.person!.id, { limits: { messagesPerMinute: 1 } });
    const sent = await t.client.sendMessage(chat.id, { text: 'only one', wait: true });
    const ms = await history(chat.id);
    const calls = turnRequests(t.fake).length;
    const refused = await t.client.retryMessage(chat.id, sent.reply!.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(await history(chat.id)).toEqual(ms);
    expect(turnRequests(t.fake).length).toBe(calls);
  });

  it('WebSocket methods mirror the routes, and watchers see the archive and the new turn', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'ws-1' });
    const sent = await t.client.sendMessage(s.id, { text: 'over the socket', wait: true });
    const socket = await t.socket();
    const kinds: string[] = [];
    const deltas: string[] = [];
    socket.on('session.updated', (p) => p.session.id === s.id && kinds.push(p.kind));
    socket.on('message.delta', (p) => p.sessionId === s.id && deltas.push(p.delta));
    await socket.subscribe(s.id);
    const r = await socket.call('message.retry', { sessionId: s.id, messageId: sent.reply!.id, wait: true });
    expect(r.reply?.content).toBe('Echo: over the socket');
    const e = await socket.call('message.edit', { sessionId: s.id, messageId: r.message.id, text: 'edited over the socket', wait: true });
    expect(e.reply?.content).toBe('Echo: edited over the socket');
    await eventually(() => kinds.filter((k) => k === 'history_change').length, (n) => n >= 2, 'two history changes');
    expect(deltas.join('')).toContain('Echo: edited over the socket');
    const bad = await socket.call('message.edit', { sessionId: s.id, messageId: 'nope', text: 'x' }).catch((err: unknown) => err);
    expect(bad).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });
});
