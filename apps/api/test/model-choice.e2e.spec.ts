import OpenAI from 'openai';
import type { Message, ServerEventMap } from '@switchboard/protocol';
import { eventually, lastTurnRequest, startTestApi, testConfig, TEST_TOKEN, turnRequests, type TestApi } from './harness';

const SLOW = { firstTokenDelayMs: 400, chunkDelayMs: 15 };
const agents = [{ name: 'support', match: { channel: 'telegram', peer: '*' }, model: 'quick', systemPrompt: 'You are the support desk.' }];

describe('model choice that sticks (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({ config: (fake) => testConfig(fake, { agents }) });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.fake.reset();
    await t.client.setDefaultModel('main');
  });

  const newSession = (peerId: string, channel: 'web' | 'api' | 'telegram' = 'web') => t.client.createSession({ channel, peerId: `${peerId}-${Math.random()}` });
  const say = async (sessionId: string, text: string, model?: string) => (await t.client.sendMessage(sessionId, { text, model, wait: true })).reply!;

  describe('per-session override and the global default', () => {
    it('sets, shows and clears the session override (id, alias or tier)', async () => {
      const s = await newSession('override');
      expect(s.effectiveModel).toMatchObject({ modelConfigId: 'main', source: 'global' });
      const set = await t.client.setSessionModel(s.id, 'fast');
      expect(set).toMatchObject({ modelOverride: 'quick', effectiveModel: { modelConfigId: 'quick', source: 'session', label: 'Fake Quick' } });
      expect((await t.client.setSessionModel(s.id, 'sonnet')).modelOverride).toBe('claude');
      const cleared = await t.client.clearSessionModel(s.id);
      expect(cleared).toMatchObject({ modelOverride: null, effectiveModel: { modelConfigId: 'main', source: 'global' } });
    });

    it('refuses an unknown model with INVALID_MODEL and stores nothing', async () => {
      const s = await newSession('invalid');
      await t.client.setSessionModel(s.id, 'quick');
      await expect(t.client.setSessionModel(s.id, 'gpt-17')).rejects.toMatchObject({ status: 400, code: 'INVALID_MODEL' });
      expect((await t.client.getSession(s.id)).modelOverride).toBe('quick');
      await expect(t.client.sendMessage(s.id, { text: 'hi', model: 'nope' })).rejects.toMatchObject({ code: 'INVALID_MODEL' });
      expect((await t.client.listMessages(s.id)).messages).toHaveLength(0);
    });

    it('pushes settings.updated to watchers of every session when the default changes', async () => {
      const all = await t.socket();
      await all.subscribe();
      const one = await t.socket();
      const s = await newSession('settings-watch');
      await one.subscribe(s.id);
      const seenAll: string[] = [];
      const seenOne: string[] = [];
      all.on('settings.updated', (p) => seenAll.push(p.defaultModel.modelConfigId));
      one.on('settings.updated', (p) => seenOne.push(p.defaultModel.modelConfigId));
      await t.client.setDefaultModel('fast');
      await eventually(() => seenAll, (x) => x.length === 1, 'settings.updated');
      expect(seenAll).toEqual(['quick']);
      expect(seenOne).toEqual([]);
    });

    it('changing the default never rewrites an override; un-overridden sessions follow it on their next turn', async () => {
      const pinned = await newSession('pinned');
      const follower = await newSession('follower');
      await t.client.setSessionModel(pinned.id, 'quick');
      expect((await say(follower.id, 'one')).modelConfigId).toBe('main');

      await t.client.setDefaultModel('claude');
      expect((await t.client.getSession(pinned.id)).modelOverride).toBe('quick');
      const p = await say(pinned.id, 'two');
      expect([p.modelConfigId, p.modelSource]).toEqual(['quick', 'session']);
      const f = await say(follower.id, 'two');
      expect([f.modelConfigId, f.modelSource]).toEqual(['claude', 'global']);
      expect((await t.client.getSession(pinned.id)).modelOverride).toBe('quick');
    });

    it('an explicit model is used for the turn and recorded as the session model', async () => {
      const s = await newSession('explicit');
      const r1 = await say(s.id, 'use llama', 'local');
      expect([r1.modelConfigId, r1.modelSource]).toEqual(['llama', 'explicit']);
      expect((await t.client.getSession(s.id)).modelOverride).toBe('llama');
      const r2 = await say(s.id, 'and now?');
      expect([r2.modelConfigId, r2.modelSource]).toEqual(['llama', 'session']);
      expect(lastTurnRequest(t.fake).model).toBe('fake-llama');
    });

    it('routes agent configs by channel and peer, below the session override', async () => {
      const tg = await newSession('agent', 'telegram');
      expect(tg.effectiveModel).toMatchObject({ modelConfigId: 'quick', source: 'agent' });
      const r = await say(tg.id, 'help me');
      expect([r.modelConfigId, r.modelSource]).toEqual(['quick', 'agent']);
      expect(lastTurnRequest(t.fake).messages[0]).toEqual({ role: 'system', content: 'You are the support desk.' });
      await t.client.setSessionModel(tg.id, 'main');
      expect((await say(tg.id, 'again')).modelSource).toBe('session');
      const web = await newSession('agent-web', 'web');
      expect(web.effectiveModel.source).toBe('global');
    });
  });

  describe('commands, parsed once and used by every door', () => {
    it('/model lists models with the active one marked, and sets and clears the override', async () => {
      const s = await newSession('cmd');
      const calls = turnRequests(t.fake).length;
      const list = await t.client.sendMessage(s.id, { text: '/model' });
      expect(list.command).toMatchObject({ name: 'model', ok: true });
      expect(list.reply!.content).toContain('Active model: Fake Main — global default');
      expect(list.reply!.content).toMatch(/→ main — Fake Main/);
      expect(list.reply!.content).toContain('quick — Fake Quick');

      const set = await t.client.sendMessage(s.id, { text: '/model quick' });
      expect(set.reply!.content).toContain('Fake Quick');
      expect((await t.client.getSession(s.id)).modelOverride).toBe('quick');
      await t.client.sendMessage(s.id, { text: '/local' });
      expect((await t.client.getSession(s.id)).modelOverride).toBe('llama');
      await t.client.sendMessage(s.id, { text: '/cloud' });
      expect((await t.client.getSession(s.id)).modelOverride).toBe('main');
      await t.client.sendMessage(s.id, { text: '/model default' });
      expect((await t.client.getSession(s.id)).modelOverride).toBeNull();
      // Commands never reach a model and are not stored as conversation.
      expect(turnRequests(t.fake).length).toBe(calls);
      expect((await t.client.listMessages(s.id)).messages).toHaveLength(0);
    });

    it('answers unknown commands and /help without a model turn', async () => {
      const s = await newSession('cmd-help');
      const unknown = await t.client.sendMessage(s.id, { text: '/frobnicate now' });
      expect(unknown.command).toMatchObject({ name: 'frobnicate', ok: false });
      expect(unknown.reply!.content).toContain('/help');
      const help = await t.client.sendMessage(s.id, { text: '/help' });
      for (const c of ['/model', '/local', '/cloud', '/reset', '/help']) expect(help.reply!.content).toContain(c);
      expect(turnRequests(t.fake)).toHaveLength(0);
    });

    it('regression: the model does not revert on the next turn after /model', async () => {
      const s = await newSession('no-revert');
      await t.client.sendMessage(s.id, { text: '/model quick' });
      for (const text of ['first', 'second', 'third']) {
        const r = await say(s.id, text);
        expect([r.modelConfigId, r.modelSource]).toEqual(['quick', 'session']);
      }
    });

    it('regression: /reset clears the override together with the history', async () => {
      const s = await newSession('reset');
      await t.client.sendMessage(s.id, { text: '/model quick' });
      await say(s.id, 'something to forget');
      const r = await t.client.sendMessage(s.id, { text: '/reset' });
      expect(r.command).toMatchObject({ name: 'reset', ok: true });
      const after = await t.client.getSession(s.id);
      expect(after.modelOverride).toBeNull();
      expect(after.effectiveModel.source).toBe('global');
      expect((await t.client.listMessages(s.id)).messages).toHaveLength(0);
      expect((await say(s.id, 'fresh')).modelConfigId).toBe('main');
    });

    it('regression: /model says when a session override hides a changed default', async () => {
      const s = await newSession('hidden-default');
      await t.client.sendMessage(s.id, { text: '/model quick' });
      await t.client.setDefaultModel('claude');
      const r = await t.client.sendMessage(s.id, { text: '/model' });
      expect(r.reply!.content).toContain('session override');
      expect(r.reply!.content).toContain('global default is Fake Claude');
    });

    it('works over the WebSocket too', async () => {
      const s = await newSession('cmd-ws');
      const ws = await t.socket();
      const r = await ws.call('session.send', { sessionId: s.id, text: '/model fast' });
      expect(r.command?.name).toBe('model');
      expect((await ws.call('session.get', { sessionId: s.id })).modelOverride).toBe('quick');
    });
  });

  describe('queue', () => {
    it('queues messages while a turn runs, each with its model snapshot, and runs them in order', async () => {
      t.fake.addRule({ match: 'slow one', reply: 'Slow reply that takes a while to stream out.', ...SLOW });
      const s = await newSession('queue');
      const first = await t.client.sendMessage(s.id, { text: 'slow one' });
      expect(first.queued).toBe(false);
      const q1 = await t.client.sendMessage(s.id, { text: 'queued with default' });
      const q2 = await t.client.sendMessage(s.id, { text: 'queued with quick', model: 'quick' });
      const q3 = await t.client.sendMessage(s.id, { text: 'queued after override' });
      expect([q1.queued, q2.queued, q3.queued]).toEqual([true, true, true]);
      expect(q1.queuedMessage).toMatchObject({ position: 1, modelConfigId: 'main', modelSource: 'global' });
      expect(q2.queuedMessage).toMatchObject({ position: 2, modelConfigId: 'quick', modelSource: 'explicit' });
      expect(q3.queuedMessage).toMatchObject({ position: 3, modelConfigId: 'quick', modelSource: 'session' });
      const { queue } = await t.client.listQueue(s.id);
      expect(queue.map((q) => [q.text, q.modelConfigId])).toEqual([
        ['queued with default', 'main'],
        ['queued with quick', 'quick'],
        ['queued after override', 'quick'],
      ]);

      const msgs = await eventually(
        async () => (await t.client.listMessages(s.id)).messages,
        (m) => m.filter((x) => x.role === 'assistant' && x.status === 'complete').length === 4,
        'four replies',
      );
      const turns = msgs.filter((m) => m.kind === 'text');
      expect(turns.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
        'slow one',
        'queued with default',
        'queued with quick',
        'queued after override',
      ]);
      expect(turns.filter((m) => m.role === 'assistant').map((m) => [m.modelConfigId, m.modelSource])).toEqual([
        ['main', 'global'],
        ['main', 'queued'],
        ['quick', 'queued'],
        ['quick', 'queued'],
      ]);
      expect((await t.client.listQueue(s.id)).queue).toHaveLength(0);
    });

    it('refuses the 21st queued message with QUEUE_FULL and stores nothing', async () => {
      t.fake.addRule({ match: 'hold', reply: 'held', firstTokenDelayMs: 1500 });
      const s = await newSession('full');
      await t.client.sendMessage(s.id, { text: 'hold' });
      for (let i = 0; i < 20; i++) expect((await t.client.sendMessage(s.id, { text: `q${i}` })).queued).toBe(true);
      await expect(t.client.sendMessage(s.id, { text: 'one too many' })).rejects.toMatchObject({ status: 429, code: 'QUEUE_FULL' });
      const { queue } = await t.client.listQueue(s.id);
      expect(queue).toHaveLength(20);
      expect(queue.some((q) => q.text === 'one too many')).toBe(false);
      await t.client.abort(s.id);
      for (const q of queue) await t.client.deleteQueued(s.id, q.id).catch(() => undefined);
    });

    it('promotes, deletes, and interrupts the running turn keeping its partial reply', async () => {
      t.fake.addRule({ match: 'long story', reply: 'Once upon a time '.repeat(40), firstTokenDelayMs: 50, chunkDelayMs: 20 });
      const s = await newSession('promote');
      await t.client.sendMessage(s.id, { text: 'long story' });
      const a = (await t.client.sendMessage(s.id, { text: 'A' })).queuedMessage!;
      const b = (await t.client.sendMessage(s.id, { text: 'B' })).queuedMessage!;
      const c = (await t.client.sendMessage(s.id, { text: 'C' })).queuedMessage!;
      const promoted = await t.client.promoteQueued(s.id, c.id);
      expect(promoted.queue.map((q) => q.text)).toEqual(['C', 'A', 'B']);
      expect(promoted.queue.map((q) => q.position)).toEqual([1, 2, 3]);
      const afterDelete = await t.client.deleteQueued(s.id, a.id);
      expect(afterDelete.queue.map((q) => q.text)).toEqual(['C', 'B']);
      await expect(t.client.deleteQueued(s.id, a.id)).rejects.toMatchObject({ code: 'QUEUED_MESSAGE_NOT_FOUND' });

      await eventually(async () => (await t.client.listMessages(s.id)).messages, (m) => m.some((x) => x.role === 'assistant'), 'turn started');
      await new Promise((r) => setTimeout(r, 150));
      await t.client.promoteQueued(s.id, b.id, { interrupt: true });
      const msgs = await eventually(
        async () => (await t.client.listMessages(s.id)).messages,
        (m) => m.filter((x) => x.role === 'assistant' && x.status === 'complete').length === 2,
        'B and C answered',
      );
      const story = msgs.find((m) => m.role === 'assistant' && m.status === 'interrupted')!;
      expect(story).toBeDefined();
      expect(story.content.length).toBeGreaterThan(0);
      expect(story.content.length).toBeLessThan('Once upon a time '.repeat(40).length);
      expect(msgs.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['long story', 'B', 'C']);
    });

    it('never runs two turns for two messages sent to an idle session at the same instant', async () => {
      for (let i = 0; i < 5; i++) {
        const s = await newSession(`race-${i}`);
        const results = await Promise.all([
          t.client.sendMessage(s.id, { text: 'left' }),
          t.client.sendMessage(s.id, { text: 'right' }),
        ]);
        expect(results.map((r) => r.queued).sort()).toEqual([false, true]);
        await eventually(
          async () => (await t.client.listMessages(s.id)).messages,
          (m) => m.filter((x) => x.role === 'assistant' && x.status === 'complete').length === 2,
          'both answered',
        );
      }
    });

    it('wait: true on a queued message returns its reply once it has run', async () => {
      t.fake.addRule({ match: 'busy', reply: 'busy reply', firstTokenDelayMs: 200 });
      const s = await newSession('queued-wait');
      await t.client.sendMessage(s.id, { text: 'busy' });
      const res = await t.client.sendMessage(s.id, { text: 'after that', wait: true });
      expect(res.queued).toBe(true);
      expect(res.reply).toMatchObject({ role: 'assistant', content: 'Echo: after that', modelSource: 'queued' });
    });
  });

  describe('engine switches', () => {
    it('stores and pushes an engine_switch event and carries history across wire formats', async () => {
      const s = await newSession('switch');
      const ws = await t.socket();
      await ws.subscribe(s.id);
      const switched: Array<ServerEventMap['engine.switched']> = [];
      ws.on('engine.switched', (p) => switched.push(p));
      t.fake.addRule({ model: 'claude-fake', reply: 'Claude here, I can see the earlier turn.' });

      await say(s.id, 'My favourite colour is teal.');
      await t.client.setSessionModel(s.id, 'claude');
      const r = await say(s.id, 'What is my favourite colour?');
      expect(r).toMatchObject({ modelConfigId: 'claude', content: 'Claude here, I can see the earlier turn.' });
      const upstream = lastTurnRequest(t.fake);
      expect(upstream.api).toBe('anthropic');
      expect(upstream.messages.map((m) => m.content)).toEqual(
        expect.arrayContaining(['My favourite colour is teal.', 'Echo: My favourite colour is teal.', 'What is my favourite colour?']),
      );

      const { messages } = await t.client.listMessages(s.id);
      const ev = messages.find((m) => m.kind === 'engine_switch')!;
      expect(ev).toMatchObject({ role: 'system' });
      expect(ev.event).toMatchObject({ from: { modelConfigId: 'main', providerType: 'openai-compatible' }, to: { modelConfigId: 'claude', providerType: 'anthropic' }, reason: 'session override' });
      const order = messages.map((m) => `${m.role}:${m.kind}`);
      expect(order.indexOf('system:engine_switch')).toBeLessThan(order.lastIndexOf('user:text'));
      await eventually(() => switched, (x) => x.length === 1, 'engine.switched event');
      expect(switched[0]).toMatchObject({ sessionId: s.id, from: { modelConfigId: 'main' }, to: { modelConfigId: 'claude' } });

      // Same engine again: no new event. Back to the default: a second one.
      await say(s.id, 'still claude');
      await t.client.clearSessionModel(s.id);
      await say(s.id, 'back to main');
      const kinds = (await t.client.listMessages(s.id)).messages.filter((m) => m.kind === 'engine_switch');
      expect(kinds).toHaveLength(2);
      expect(kinds[1].event).toMatchObject({ reason: 'global default' });
    });

    it('injects a head + tail summary when the history does not fit the new model', async () => {
      const s = await newSession('summary');
      for (let i = 0; i < 6; i++) await say(s.id, `Fact number ${i}: ${'detail '.repeat(40)}`);
      await t.client.setSessionModel(s.id, 'tiny');
      await say(s.id, 'Summarise what you know.');
      const upstream = lastTurnRequest(t.fake);
      expect(upstream.model).toBe('fake-tiny');
      const system = upstream.messages.find((m) => m.role === 'system')!.content;
      expect(system).toContain('<conversation_summary>');
      expect(system).toContain('Fact number 0');
      expect(upstream.messages.at(-1)!.content).toBe('Summarise what you know.');
      const chars = upstream.messages.reduce((n, m) => n + m.content.length, 0);
      expect(chars / 4).toBeLessThan(600);
    });
  });

  describe('watch events', () => {
    it('pushes session.updated with kinds and growing versions, and queue.updated with the whole queue', async () => {
      const ws = await t.socket();
      await ws.subscribe();
      const updates: Array<ServerEventMap['session.updated']> = [];
      const queues: Array<ServerEventMap['queue.updated']> = [];
      ws.on('session.updated', (p) => updates.push(p));
      ws.on('queue.updated', (p) => queues.push(p));
      t.fake.addRule({ match: 'watch me', reply: 'watched', firstTokenDelayMs: 200 });

      const s = await newSession('watch');
      await t.client.setSessionModel(s.id, 'quick');
      await t.client.sendMessage(s.id, { text: 'watch me' });
      await t.client.sendMessage(s.id, { text: 'queued while watched' });
      await eventually(
        async () => (await t.client.getSession(s.id)),
        (x) => x.status === 'idle' && x.queueLength === 0 && x.lastModelConfigId === 'quick',
        'idle',
      );
      await eventually(() => updates.filter((u) => u.session.id === s.id && u.kind === 'status_change' && u.session.status === 'idle'), (x) => x.length >= 2, 'idle events');

      const mine = updates.filter((u) => u.session.id === s.id);
      const kinds = new Set(mine.map((u) => u.kind));
      for (const k of ['created', 'model_change', 'status_change', 'queue_change']) expect(kinds).toContain(k);
      const versions = mine.map((u) => u.version);
      expect(versions.every((v, i) => i === 0 || v >= versions[i - 1])).toBe(true);
      expect(mine.every((u) => u.version === u.session.version)).toBe(true);
      const withQueue = queues.filter((q) => q.sessionId === s.id);
      expect(withQueue.some((q) => q.queue.length === 1 && q.queue[0].text === 'queued while watched')).toBe(true);
      expect(withQueue.at(-1)!.queue).toHaveLength(0);
    });
  });

  describe('the OpenAI-compatible door, through the official openai client', () => {
    const openai = () => new OpenAI({ baseURL: `${t.api.url}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });

    // `user` names the person; the conversation is the X-Session-Key's (issue 13).
    it('answers non-streaming with the model that ran, keeping the session by X-Session-Key', async () => {
      const key = { headers: { 'X-Session-Key': 'oa-user-1' } };
      const r1 = await openai().chat.completions.create({ model: 'fast', user: 'someone', messages: [{ role: 'user', content: 'Hello door' }] }, key);
      expect(r1.choices[0].message.content).toBe('Echo: Hello door');
      expect(r1.model).toBe('quick');
      expect(r1.usage!.completion_tokens).toBeGreaterThan(0);
      const r2 = await openai().chat.completions.create({ model: 'switchboard', user: 'someone', messages: [{ role: 'user', content: 'Again' }] }, key);
      expect(r2.model).toBe('quick');
      const { sessions } = await t.client.listSessions({ channel: 'api' });
      const s = sessions.find((x) => x.peerId === 'oa-user-1')!;
      expect((await t.client.listMessages(s.id)).messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['Hello door', 'Again']);
    });

    it('streams, with the session from X-Session-Key', async () => {
      t.fake.addRule({ match: 'stream door', reply: 'Streaming through the door works.' });
      const stream = await openai().chat.completions.create(
        { model: 'main', stream: true, messages: [{ role: 'user', content: 'stream door' }] },
        { headers: { 'X-Session-Key': 'oa-stream-key' } },
      );
      let text = '';
      let model = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        model = chunk.model;
      }
      expect(text).toBe('Streaming through the door works.');
      expect(model).toBe('main');
      const { sessions } = await t.client.listSessions({ channel: 'api' });
      expect(sessions.some((x) => x.peerId === 'oa-stream-key')).toBe(true);
    });

    it('rejects an unknown model with an OpenAI-style 400 and runs commands without a model', async () => {
      const err = await openai()
        .chat.completions.create({ model: 'gpt-17', user: 'oa-err', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.status).toBe(400);
      expect(err.error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
      const calls = turnRequests(t.fake).length;
      const r = await openai().chat.completions.create(
        { model: 'switchboard', messages: [{ role: 'user', content: '/model' }] },
        { headers: { 'X-Session-Key': 'oa-cmd' } },
      );
      expect(r.choices[0].message.content).toContain('Available models');
      expect(turnRequests(t.fake).length).toBe(calls);
    });

    it('rejects a missing token', async () => {
      const bad = new OpenAI({ baseURL: `${t.api.url}/v1`, apiKey: 'wrong-wrong-wrong-wrong', maxRetries: 0 });
      const err = await bad.chat.completions.create({ model: 'main', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
      expect(err.status).toBe(401);
    });
  });
});

describe('queued snapshots across a restart', () => {
  it('re-validates a snapshot whose model was removed, falling back with a warning', async () => {
    const withLlama = await startTestApi();
    const { client, fake } = withLlama;
    fake.addRule({ match: 'slow before restart', reply: 'x'.repeat(200), firstTokenDelayMs: 100, chunkDelayMs: 50 });
    const s = await client.createSession({ peerId: 'snapshot-restart' });
    await client.setSessionModel(s.id, 'llama');
    await client.sendMessage(s.id, { text: 'slow before restart' });
    const q = await client.sendMessage(s.id, { text: 'queued for llama' });
    expect(q.queuedMessage).toMatchObject({ modelConfigId: 'llama' });
    await eventually(async () => (await client.listMessages(s.id)).messages, (m) => m.some((x) => x.role === 'assistant'), 'first turn running');

    // Stop (the running turn is interrupted, its partial kept) and restart without llama.
    await withLlama.api.close();
    const restarted = await startTestApi({
      fake,
      dataDir: withLlama.dataDir,
      config: (f) => {
        const c = testConfig(f) as { models: Array<{ id: string }> };
        return { ...c, models: c.models.filter((m) => m.id !== 'llama') };
      },
    });
    try {
      const msgs = await eventually(
        async () => (await restarted.client.listMessages(s.id)).messages,
        (m) => m.some((x) => x.role === 'assistant' && x.status === 'complete'),
        'queued message answered after restart',
      );
      const reply = msgs.find((m) => m.role === 'assistant' && m.status === 'complete') as Message;
      expect(reply.modelConfigId).toBe('main');
      expect(reply.modelSource).toBe('global');
      expect(reply.warnings.join(' ')).toContain('llama');
      expect(msgs.find((m) => m.content === 'slow before restart')).toBeDefined();
      const first = msgs.find((m) => m.role === 'assistant' && m.status === 'interrupted');
      expect(first).toBeDefined();
      expect((await restarted.client.getSession(s.id)).effectiveModel.warnings.join(' ')).toContain('llama');
    } finally {
      await restarted.close();
      await fake.close();
    }
  });
});
