import type { ServerEventMap } from '@switchboard/protocol';
import { eventually, lastTurnRequest, startTestApi, testConfig, turnRequests, type TestApi } from './harness';

/** Same catalog as the other suites, with fallbacks, fast retries and a small-context model for compaction. */
function orchestratorConfig(fake: Parameters<typeof testConfig>[0]) {
  const base = testConfig(fake) as { models: Array<Record<string, unknown>> };
  return {
    ...base,
    models: [
      ...base.models.map((m) => (m.id === 'main' ? { ...m, fallbacks: ['claude'] } : m)),
      { id: 'small', provider: 'fake', model: 'fake-small', label: 'Fake Small', contextWindow: 2000, price: { input: 1, output: 1 } },
      { id: 'flaky', provider: 'fake', model: 'fake-flaky', label: 'Fake Flaky', fallbacks: ['quick'] },
    ],
    failover: { retries: 1, baseDelayMs: 5, maxDelayMs: 20, failureThreshold: 2, cooldownMs: 60_000 },
    compaction: { thresholdPct: 50, keepTurns: 2, summaryMaxTokens: 200 },
    limits: { maxToolIterations: 3, maxDelegationDepth: 2, toolResultMaxChars: 300 },
  };
}

describe('orchestrator depth (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({ config: orchestratorConfig });
    // These tests count delegated calls exactly; memory extraction (also the fast tier) would add its own.
    await t.client.request('PUT', '/api/v1/settings/memory', { enabled: false });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.fake.reset());

  const newSession = (name: string) => t.client.createSession({ channel: 'web', peerId: `${name}-${Math.random()}` });
  const say = async (sessionId: string, text: string, model?: string) => (await t.client.sendMessage(sessionId, { text, model, wait: true })).reply!;

  describe('delegation and usage', () => {
    it('titles a new session through the classification role and accounts its usage exactly', async () => {
      t.fake.addRule({ match: 'plan a trip to Lisbon', model: 'fake-main', reply: 'Sure, here is a plan.', usage: { promptTokens: 120, completionTokens: 30 } });
      t.fake.addRule({ model: 'fake-quick', match: 'User: plan a trip', reply: '"Lisbon Trip Plan."', usage: { promptTokens: 40, completionTokens: 4 } });
      const ws = await t.socket();
      const s = await newSession('title');
      await ws.subscribe(s.id);
      const titles: string[] = [];
      ws.on('session.updated', (p) => p.kind === 'title_change' && titles.push(p.session.title ?? ''));
      await say(s.id, 'plan a trip to Lisbon please');
      await eventually(() => titles, (x) => x.length > 0, 'title_change event');
      expect(titles.at(-1)).toBe('Lisbon Trip Plan');
      expect((await t.client.getSession(s.id)).title).toBe('Lisbon Trip Plan');

      const usage = await t.client.getUsage(s.id);
      expect(usage.primary).toMatchObject({ calls: 1, inputTokens: 120, outputTokens: 30 });
      expect(usage.delegation.classification).toMatchObject({ calls: 1, inputTokens: 40, outputTokens: 4 });
      expect(usage.total).toMatchObject({ calls: 2, inputTokens: 160, outputTokens: 34 });
      // price main 2/8, quick 0.4/1.6 per million tokens
      expect(usage.total.costUsd).toBeCloseTo((120 * 2 + 30 * 8 + 40 * 0.4 + 4 * 1.6) / 1e6, 12);
      // A second exchange does not re-title.
      await say(s.id, 'and the next day?');
      expect(t.fake.requests.filter((r) => r.model === 'fake-quick')).toHaveLength(1);
    });

    it('never double-counts usage when a call is retried', async () => {
      t.fake.addRule({ model: 'fake-main', status: 500, times: 1 });
      t.fake.addRule({ model: 'fake-main', reply: 'after retry', usage: { promptTokens: 50, completionTokens: 5 } });
      const s = await t.client.createSession({ peerId: `retry-${Math.random()}`, title: 'fixed title' });
      const r = await say(s.id, 'try again');
      expect(r).toMatchObject({ content: 'after retry', modelConfigId: 'main', status: 'complete' });
      expect(t.fake.requests.filter((x) => x.model === 'fake-main')).toHaveLength(2);
      const usage = await t.client.getUsage(s.id);
      expect(usage.primary).toMatchObject({ calls: 1, inputTokens: 50, outputTokens: 5 });
      expect(usage.total.calls).toBe(1);
    });
  });

  describe('tools', () => {
    it('runs a tool the model calls, streams tool events, and answers with its result', async () => {
      t.fake.addRule({ match: 'what time is it', model: 'fake-main', toolCalls: [{ name: 'current_time', arguments: { timezone: 'Europe/Paris' } }], times: 1 });
      t.fake.addRule({
        match: 'what time is it',
        model: 'fake-main',
        reply: (req) => {
          const tool = req.messages.find((m) => m.role === 'tool');
          return tool && tool.content.includes('Europe/Paris') ? 'It is time, per the tool.' : 'no tool result seen';
        },
      });
      const s = await newSession('tools');
      const ws = await t.socket();
      await ws.subscribe(s.id);
      const events: string[] = [];
      ws.on('tool.started', (p) => events.push(`started:${p.toolName}:${JSON.stringify(p.input)}`));
      ws.on('tool.finished', (p) => events.push(`finished:${p.toolName}:${p.ok}`));
      const r = await say(s.id, 'what time is it in Paris?');
      expect(r.content).toBe('It is time, per the tool.');
      expect(r.parts.map((p) => p.type)).toEqual(['tool-call', 'tool-result', 'text']);
      expect(r.parts[1]).toMatchObject({ type: 'tool-result', toolName: 'current_time', output: { timezone: 'Europe/Paris' } });
      await eventually(() => events, (e) => e.length === 2, 'tool events');
      expect(events).toEqual(['started:current_time:{"timezone":"Europe/Paris"}', 'finished:current_time:true']);
      const calls = turnRequests(t.fake);
      expect((calls[0].body as { tools: Array<{ function: { name: string } }> }).tools.map((x) => x.function.name)).toEqual(
        expect.arrayContaining(['current_time', 'session_info', 'complex_reasoning']),
      );
    });

    it('delegates complex reasoning to the complex tier and summarises a long tool result', async () => {
      t.fake.addRule({ match: 'prove it', model: 'fake-main', toolCalls: [{ name: 'complex_reasoning', arguments: { question: 'Is 97 prime?' } }], times: 1 });
      t.fake.addRule({ model: 'claude-fake', reply: 'LONGANSWER ' + 'because '.repeat(80), usage: { promptTokens: 30, completionTokens: 90 } });
      t.fake.addRule({ model: 'fake-quick', match: 'LONGANSWER', reply: 'Yes, 97 is prime.', usage: { promptTokens: 100, completionTokens: 6 } });
      t.fake.addRule({ match: 'prove it', model: 'fake-main', reply: (req) => (req.messages.some((m) => m.role === 'tool' && m.content.includes('[summarised] Yes, 97 is prime.')) ? 'Proven.' : 'missing summary') });
      const s = await t.client.createSession({ peerId: `complex-${Math.random()}`, title: 'fixed' });
      const r = await say(s.id, 'prove it');
      expect(r.content).toBe('Proven.');
      const usage = await t.client.getUsage(s.id);
      expect(usage.delegation.complex_reasoning).toMatchObject({ calls: 1, inputTokens: 30, outputTokens: 90 });
      expect(usage.delegation.tool_summarisation).toMatchObject({ calls: 1, inputTokens: 100, outputTokens: 6 });
    });
  });

  describe('provider failover', () => {
    it('retries, then falls back for this turn only with a visible notice, never touching the override', async () => {
      t.fake.addRule({ model: 'fake-main', status: 503 });
      t.fake.addRule({ model: 'claude-fake', reply: 'Claude to the rescue.' });
      const s = await t.client.createSession({ peerId: `failover-${Math.random()}`, title: 'fixed' });
      const r = await say(s.id, 'hello?');
      expect(r).toMatchObject({ content: 'Claude to the rescue.', modelConfigId: 'claude', modelSource: 'global', status: 'complete' });
      expect(r.warnings.join(' ')).toContain('Fake Main failed');
      // 1 try + 1 retry on main, then claude.
      expect(t.fake.requests.filter((x) => x.model === 'fake-main')).toHaveLength(2);
      const session = await t.client.getSession(s.id);
      expect(session.modelOverride).toBeNull();
      expect(session.effectiveModel).toMatchObject({ modelConfigId: 'main', source: 'global' });
      const { messages } = await t.client.listMessages(s.id);
      const notice = messages.find((m) => m.kind === 'model_fallback')!;
      expect(notice.content).toContain('using Fake Claude for this reply');
      expect(notice.event).toMatchObject({ from: 'main', to: 'claude' });

      // Main has now failed twice in a row: it cools down, and the next turn goes straight to claude.
      await say(s.id, 'again?');
      const r2 = await say(s.id, 'once more');
      expect(r2.modelConfigId).toBe('claude');
      expect(t.fake.requests.filter((x) => x.model === 'fake-main').length).toBeLessThanOrEqual(4);
    });

    it('ends a stream cut after tokens as interrupted, keeping the partial reply, without retrying', async () => {
      t.fake.addRule({ model: 'fake-flaky', reply: 'This reply will be cut somewhere in the middle of it.', disconnectAfterChars: 20 });
      const s = await t.client.createSession({ peerId: `cut-${Math.random()}`, title: 'fixed' });
      const r = await say(s.id, 'tell me', 'flaky');
      expect(r.status).toBe('interrupted');
      expect(r.content).toBe('This reply will be c');
      expect(t.fake.requests.filter((x) => x.model === 'fake-flaky')).toHaveLength(1);
      expect(t.fake.requests.filter((x) => x.model === 'fake-quick')).toHaveLength(0);
      const after = await t.client.getSession(s.id);
      expect(after.status).toBe('idle');
      const { messages } = await t.client.listMessages(s.id);
      expect(messages.find((m) => m.kind === 'turn_error')!.content).toContain('cut off');
      // The session works again at once.
      expect((await say(s.id, 'fine now?', 'main')).status).toBe('complete');
    });
  });

  describe('compaction', () => {
    it('summarises older turns past the threshold, keeps the last turns verbatim and the full history', async () => {
      t.fake.addRule({ model: 'fake-quick', match: 'Conversation:', reply: 'SUMMARY: the user likes tea and lives in Oslo.', usage: { promptTokens: 300, completionTokens: 12 } });
      const s = await t.client.createSession({ peerId: `compact-${Math.random()}`, title: 'fixed' });
      await t.client.setSessionModel(s.id, 'small');
      const ws = await t.socket();
      await ws.subscribe(s.id);
      const created: Array<ServerEventMap['message.created']> = [];
      ws.on('message.created', (p) => created.push(p));
      for (let i = 0; i < 6; i++) await say(s.id, `Turn ${i}: ${'I like tea and I live in Oslo. '.repeat(20)}`);
      const { messages } = await t.client.listMessages(s.id);
      const compactions = messages.filter((m) => m.kind === 'compaction');
      expect(compactions.length).toBeGreaterThan(0);
      expect(compactions[0].event).toMatchObject({ summary: 'SUMMARY: the user likes tea and lives in Oslo.' });
      expect(created.some((c) => c.message.kind === 'compaction')).toBe(true);
      // Full history stays in the database.
      expect(messages.filter((m) => m.role === 'user')).toHaveLength(6);
      const last = lastTurnRequest(t.fake);
      const system = last.messages.find((m) => m.role === 'system')!.content;
      expect(system).toContain('SUMMARY: the user likes tea');
      const users = last.messages.filter((m) => m.role === 'user').map((m) => m.content);
      expect(users.at(-1)).toContain('Turn 5');
      expect(users.length).toBeLessThanOrEqual(3);
      expect((await t.client.getUsage(s.id)).delegation.compaction.calls).toBeGreaterThan(0);
    });

    it('compacts by hand with /compact', async () => {
      t.fake.addRule({ model: 'fake-quick', match: 'Conversation:', reply: 'HAND SUMMARY.' });
      const s = await t.client.createSession({ peerId: `hand-${Math.random()}`, title: 'fixed' });
      for (let i = 0; i < 4; i++) await say(s.id, `short ${i}`);
      const r = await t.client.sendMessage(s.id, { text: '/compact' });
      expect(r.command).toMatchObject({ name: 'compact', ok: true });
      const { messages } = await t.client.listMessages(s.id);
      expect(messages.filter((m) => m.kind === 'compaction').at(-1)!.event).toMatchObject({ summary: 'HAND SUMMARY.' });
      await say(s.id, 'after compaction');
      const last = lastTurnRequest(t.fake);
      expect(last.messages.find((m) => m.role === 'system')!.content).toContain('HAND SUMMARY.');
      expect(last.messages.filter((m) => m.role === 'user').map((m) => m.content)).not.toContain('short 0');
    });
  });

  describe('abort', () => {
    it('aborts a running turn over REST, the WebSocket and /stop, keeping the partial reply', async () => {
      t.fake.addRule({ match: 'go slowly', reply: 'slow words '.repeat(100), firstTokenDelayMs: 20, chunkDelayMs: 30 });
      const s = await t.client.createSession({ peerId: `abort-${Math.random()}`, title: 'fixed' });
      const ws = await t.socket();
      const stoppers = [
        () => t.client.abort(s.id).then((r) => r.aborted),
        () => ws.call('session.abort', { sessionId: s.id }).then((r) => r.aborted),
        () => t.client.sendMessage(s.id, { text: '/stop' }).then((r) => r.command!.ok && r.reply!.content.startsWith('Stopped')),
      ];
      for (const stop of stoppers) {
        await t.client.sendMessage(s.id, { text: 'go slowly' });
        await eventually(async () => (await t.client.listMessages(s.id)).messages.at(-1)!, (m) => m.role === 'assistant' && m.content.length > 0, 'partial saved', 5000);
        expect(await stop()).toBe(true);
        const last = (await t.client.listMessages(s.id)).messages.filter((m) => m.role === 'assistant').at(-1)!;
        expect(last.status).toBe('interrupted');
        expect(last.content.startsWith('slow words')).toBe(true);
        expect((await t.client.getSession(s.id)).status).toBe('idle');
      }
      expect(await t.client.abort(s.id)).toEqual({ aborted: false });
    });
  });
});
