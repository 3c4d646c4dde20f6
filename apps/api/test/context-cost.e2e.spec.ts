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
