import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { FAKE_KEY, fakeCatalog } from '@switchboard/tools/testing';
import { startTestApi, turnRequests, type TestApi } from './harness';

/** The context window of the small Chinese-speaking model, as its provider enforces it (fake LLM, real tokenizer). */
const ZH_LIMIT = 1500;

/** ~120 Chinese characters: chars / 4 counts ~30 tokens, the provider's tokenizer ~80. */
function chineseMessage(i: number): string {
  return `第${i}轮：我们正在计划下个月去云南旅行，想先去昆明看看滇池和石林，然后去大理古城住三天，再去丽江和香格里拉。请帮我安排每天的行程、交通方式和住宿建议，预算大约每天五百元，另外我对花生过敏，吃饭时需要注意。`;
}

function catalog(fake: FakeLlmServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = fakeCatalog(fake);
  return {
    ...base,
    models: [...(base.models as unknown[]), { id: 'zh', provider: 'fake', model: 'fake-zh', label: 'Fake ZH (small context)', contextWindow: ZH_LIMIT }],
    defaultModel: 'zh',
    compaction: { keepTurns: 2, summaryMaxTokens: 120 },
    ...extra,
  };
}

describe('context and cost', () => {
  let fake: FakeLlmServer;
  let t: TestApi;

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: FAKE_KEY, tokenizer: 'o200k', contextLimit: { 'fake-zh': ZH_LIMIT } });
    t = await startTestApi({ fake, config: (f) => catalog(f) });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.addRule({ model: 'fake-quick', match: 'Conversation:', reply: '摘要：用户计划下个月去云南旅行，预算每天五百元，对花生过敏。' });
  });

  it('compacts a long Chinese conversation before the provider refuses it', async () => {
    const s = await t.client.createSession({ peerId: `zh-${Math.random()}`, title: 'fixed' });
    for (let i = 1; i <= 14; i++) {
      const r = await t.client.sendMessage(s.id, { text: chineseMessage(i), wait: true });
      expect({ turn: i, status: r.reply!.status }).toEqual({ turn: i, status: 'complete' });
    }
    const { messages } = await t.client.listMessages(s.id, { limit: 200 });
    expect(messages.filter((m) => m.kind === 'turn_error')).toEqual([]);
    expect(messages.filter((m) => m.kind === 'compaction').length).toBeGreaterThan(0);
    // Every turn the provider saw fitted its window, by its own count.
    const turns = turnRequests(fake).filter((r) => r.model === 'fake-zh');
    expect(turns).toHaveLength(14);
    const usage = await t.client.getUsage(s.id);
    expect(usage.primary.calls).toBe(14);
  });
});

describe('recovery from a context overflow', () => {
  let fake: FakeLlmServer;
  let t: TestApi;
  const OVERFLOW = "This model's maximum context length is 1500 tokens. However, your messages resulted in 1734 tokens. Please reduce the length of the messages.";

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: FAKE_KEY, tokenizer: 'o200k' });
    t = await startTestApi({ fake, config: (f) => catalog(f) });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.addRule({ model: 'fake-quick', match: 'Conversation:', reply: 'SUMMARY: the user is planning a trip to Yunnan.' });
  });

  async function conversation(turns: number): Promise<string> {
    const s = await t.client.createSession({ peerId: `overflow-${Math.random()}`, title: 'fixed' });
    for (let i = 1; i <= turns; i++) expect((await t.client.sendMessage(s.id, { text: `short turn ${i}`, wait: true })).reply!.status).toBe('complete');
    return s.id;
  }

  it('compacts and retries the turn once when the provider refuses the prompt as too long', async () => {
    const sessionId = await conversation(4);
    const ws = await t.socket();
    await ws.subscribe(sessionId);
    const created: string[] = [];
    ws.on('message.created', (p) => created.push(p.message.kind));
    fake.prependRule({ model: 'fake-zh', status: 400, errorMessage: OVERFLOW, times: 1 });
    const before = turnRequests(fake).length;
    const r = await t.client.sendMessage(sessionId, { text: 'the turn that overflows', wait: true });
    expect(r.reply).toMatchObject({ status: 'complete', content: 'Echo: the turn that overflows' });
    const attempts = turnRequests(fake).slice(before);
    expect(attempts).toHaveLength(2);
    // The retry carries the summary and only the current turn, not the four earlier ones.
    const retry = attempts[1].messages;
    expect(retry.find((m) => m.role === 'system')!.content).toContain('SUMMARY: the user is planning a trip to Yunnan.');
    expect(retry.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['the turn that overflows']);
    const { messages } = await t.client.listMessages(sessionId, { limit: 100 });
    expect(messages.filter((m) => m.kind === 'turn_error')).toEqual([]);
    const compaction = messages.filter((m) => m.kind === 'compaction');
    expect(compaction).toHaveLength(1);
    expect(compaction[0].event).toMatchObject({ summary: 'SUMMARY: the user is planning a trip to Yunnan.', summarisedMessages: 8 });
    expect(created).toContain('compaction');
    // The full history stays.
    expect(messages.filter((m) => m.role === 'user')).toHaveLength(5);
  });

  it('retries only once: a second refusal fails the turn as "context too long"', async () => {
    const sessionId = await conversation(2);
    fake.prependRule({ model: 'fake-zh', status: 400, errorMessage: OVERFLOW, times: 2 });
    const before = turnRequests(fake).length;
    const r = await t.client.sendMessage(sessionId, { text: 'still too long', wait: true });
    expect(r.reply!.status).toBe('error');
    expect(turnRequests(fake).slice(before)).toHaveLength(2);
    const { messages } = await t.client.listMessages(sessionId, { limit: 100 });
    expect(messages.filter((m) => m.kind === 'turn_error').map((m) => m.event?.errorKind)).toEqual(['context_too_long']);
  });

  it('does not compact or retry for other failures', async () => {
    const sessionId = await conversation(2);
    fake.prependRule({ model: 'fake-zh', status: 400, errorMessage: 'Invalid request: unknown parameter', times: 1 });
    const before = turnRequests(fake).length;
    const r = await t.client.sendMessage(sessionId, { text: 'bad request', wait: true });
    expect(r.reply!.status).toBe('error');
    expect(turnRequests(fake).slice(before)).toHaveLength(1);
    const { messages } = await t.client.listMessages(sessionId, { limit: 100 });
    expect(messages.filter((m) => m.kind === 'compaction')).toEqual([]);
  });
});

describe('cache-friendly prompts', () => {
  let fake: FakeLlmServer;
  let t: TestApi;

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: FAKE_KEY, tokenizer: 'o200k', promptCache: true });
    t = await startTestApi({
      fake,
      config: (f) => {
        const base = fakeCatalog(f);
        // Cached input at a quarter of the input price, as providers bill cache reads.
        const models = (base.models as Array<Record<string, unknown>>).map((m) => (m.id === 'main' ? { ...m, price: { input: 2, output: 8, cachedInput: 0.5 } } : m));
        return { ...base, models };
      },
    });
    await t.client.createMemory({ content: 'User keeps bees on the roof of the house.' });
    await t.client.createMemory({ content: 'User plays the cello in an amateur orchestra.' });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const QUESTIONS = ['How should I look after the bees in winter?', 'Which cello pieces suit an amateur orchestra?', 'Do the bees on the roof need water?'];

  async function talk(model: string): Promise<Array<FakeLlmServer['requests'][number]>> {
    const s = await t.client.createSession({ peerId: `cache-${model}-${Math.random()}`, title: 'fixed' });
    await t.client.setSessionModel(s.id, model);
    for (const text of QUESTIONS) expect((await t.client.sendMessage(s.id, { text, wait: true })).reply!.status).toBe('complete');
    return turnRequests(fake);
  }

  it('keeps the prefix of the prompt the same from turn to turn, with retrieved memories after it', async () => {
    const turns = await talk('main');
    expect(turns).toHaveLength(3);
    for (const [i, r] of turns.entries()) {
      // The system prompt carries no memory; the turn's memories sit just before its own message.
      expect(r.messages[0].role).toBe('system');
      expect(r.messages[0].content).not.toContain('<memory>');
      const memory = r.messages.at(-2)!;
      expect(memory.role).toBe('system');
      expect(memory.content).toMatch(/^<memory>\n[\s\S]*\n<\/memory>$/);
      expect(r.messages.at(-1)).toEqual({ role: 'user', content: QUESTIONS[i] });
    }
    // Each turn's prompt starts with the previous one's, less that turn's memories.
    for (let i = 1; i < turns.length; i++) {
      const before = turns[i - 1].messages.filter((m) => !m.content.startsWith('<memory>'));
      expect(turns[i].messages.slice(0, before.length)).toEqual(before);
    }
  });

  it('records the cached input tokens the provider reports in the usage', async () => {
    const s = await t.client.createSession({ peerId: `usage-${Math.random()}`, title: 'fixed' });
    for (const text of QUESTIONS) await t.client.sendMessage(s.id, { text, wait: true });
    const usage = await t.client.getUsage(s.id);
    expect(usage.primary.cachedTokens).toBeGreaterThan(0);
    expect(usage.primary.cachedTokens).toBeLessThan(usage.primary.inputTokens);
    // Cached input is billed at its own price.
    const { inputTokens, cachedTokens, outputTokens } = usage.primary;
    expect(usage.primary.costUsd).toBeCloseTo(((inputTokens - cachedTokens) * 2 + cachedTokens * 0.5 + outputTokens * 8) / 1e6, 9);
  });

  it('asks Anthropic to cache the system prompt and the earlier turns, with the memories in the current message', async () => {
    const turns = await talk('claude');
    const body = turns.at(-1)!.body as {
      system: Array<{ type: string; text: string; cache_control?: unknown }>;
      messages: Array<{ role: string; content: Array<{ type: string; text: string; cache_control?: unknown }> }>;
    };
    expect(body.system.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
    expect(body.system.map((b) => b.text).join('')).not.toContain('<memory>');
    const current = body.messages.at(-1)!;
    expect(current.role).toBe('user');
    expect(current.content[0].text).toMatch(/^<memory>\n/);
    expect(current.content.at(-1)!.text).toBe(QUESTIONS[2]);
    expect(current.content.some((b) => b.cache_control)).toBe(false);
    const previous = body.messages.at(-2)!;
    expect(previous.role).toBe('assistant');
    expect(previous.content.at(-1)!.cache_control).toEqual({ type: 'ephemeral' });
    // Only the current message holds memories: the earlier ones are as the user wrote them.
    expect(body.messages.slice(0, -1).flatMap((m) => m.content).some((b) => b.text?.startsWith('<memory>'))).toBe(false);
  });
});

describe('reasoning models', () => {
  let fake: FakeLlmServer;
  let t: TestApi;

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: FAKE_KEY });
    t = await startTestApi({
      fake,
      config: (f) => {
        const base = fakeCatalog(f);
        const models = [
          ...(base.models as unknown[]),
          { id: 'thinker', provider: 'fake', model: 'fake-thinker', label: 'Fake Thinker', reasoningEffort: 'high' },
          { id: 'claude-thinker', provider: 'fakeanthropic', model: 'claude-thinker', label: 'Fake Claude Thinker', reasoningEffort: 'low' },
        ];
        return { ...base, models };
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('streams reasoning as its own event and keeps it out of the reply text', async () => {
    fake.addRule({ model: 'fake-thinker', reasoning: 'The user asks for 6 x 7. Six sevens are forty-two.', reply: 'It is 42.' });
    const s = await t.client.createSession({ peerId: `think-${Math.random()}`, title: 'fixed' });
    await t.client.setSessionModel(s.id, 'thinker');
    const ws = await t.socket();
    await ws.subscribe(s.id);
    const reasoning: string[] = [];
    const deltas: string[] = [];
    ws.on('message.reasoning', (p) => reasoning.push(p.delta));
    ws.on('message.delta', (p) => deltas.push(p.delta));
    const r = await t.client.sendMessage(s.id, { text: 'What is 6 x 7?', wait: true });
    expect(r.reply).toMatchObject({ status: 'complete', content: 'It is 42.' });
    expect(r.reply!.parts).toEqual([
      { type: 'reasoning', text: 'The user asks for 6 x 7. Six sevens are forty-two.' },
      { type: 'text', text: 'It is 42.' },
    ]);
    expect(reasoning.join('')).toBe('The user asks for 6 x 7. Six sevens are forty-two.');
    expect(deltas.join('')).toBe('It is 42.');
    // The model's reasoning effort went to the provider.
    expect(turnRequests(fake).at(-1)!.body.reasoning_effort).toBe('high');
    // The next turn sends the reply, not the reasoning.
    await t.client.sendMessage(s.id, { text: 'And 6 x 8?', wait: true });
    expect(turnRequests(fake).at(-1)!.messages.map((m) => m.content).join('\n')).not.toContain('Six sevens');
  });

  it('asks Anthropic for a thinking budget and keeps its thinking apart; sends no reasoning setting to models without one', async () => {
    fake.addRule({ model: 'claude-thinker', reasoning: 'A short think.', reply: 'Thought about it.' });
    const s = await t.client.createSession({ peerId: `budget-${Math.random()}`, title: 'fixed' });
    await t.client.setSessionModel(s.id, 'claude-thinker');
    const r = await t.client.sendMessage(s.id, { text: 'think a little', wait: true });
    expect(r.reply!.parts).toEqual([
      { type: 'reasoning', text: 'A short think.' },
      { type: 'text', text: 'Thought about it.' },
    ]);
    expect(r.reply!.content).toBe('Thought about it.');
    expect(turnRequests(fake).at(-1)!.body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    await t.client.setSessionModel(s.id, 'main');
    await t.client.sendMessage(s.id, { text: 'no thinking', wait: true });
    expect(turnRequests(fake).at(-1)!.body.reasoning_effort).toBeUndefined();
  });

  it('sends Anthropic its signed thinking back with a tool call, within the turn', async () => {
    fake.addRule({ model: 'claude-thinker', match: 'look it up', times: 1, reasoning: 'I should look this up.', toolCalls: [{ id: 'call_1', name: 'no_such_tool', arguments: {} }] });
    fake.addRule({ model: 'claude-thinker', reply: 'Done.' });
    const s = await t.client.createSession({ peerId: `signed-${Math.random()}`, title: 'fixed' });
    await t.client.setSessionModel(s.id, 'claude-thinker');
    const r = await t.client.sendMessage(s.id, { text: 'look it up', wait: true });
    expect(r.reply).toMatchObject({ status: 'complete', content: 'Done.' });
    const second = fake.requests.filter((x) => x.model === 'claude-thinker').at(-1)!.body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    const assistant = second.messages.find((m) => m.role === 'assistant')!;
    expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: 'I should look this up.', signature: 'fake-signature' });
    expect(assistant.content[1]).toMatchObject({ type: 'tool_use', id: 'call_1', name: 'no_such_tool' });
    expect(turnRequests(fake).at(-1)!.body.reasoning_effort).toBeUndefined();
  });
});
