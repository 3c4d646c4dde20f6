import { startFakeLlm } from '@switchboard/tools/fake-llm';
import { loadConfig } from './load-config';
import { ModelCatalog } from './model-catalog';
import { ModelRunner, refusedPromptTokens } from './model-runner';
import { openAiTokenizer, TokenCounters } from './token-counter';

describe('openAiTokenizer', () => {
  it('knows OpenAI models by name, also behind a router', () => {
    for (const name of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-5', 'o3-mini', 'o1', 'chatgpt-4o-latest', 'openai/gpt-4o', 'gpt-4', 'gpt-3.5-turbo']) {
      expect({ name, known: openAiTokenizer(name) !== null }).toEqual({ name, known: true });
    }
    for (const name of ['claude-sonnet-4', 'llama3.1:8b', 'qwen2.5', 'mistral-large', 'fake-main']) expect(openAiTokenizer(name)).toBeNull();
  });

  it('counts what the real tokenizers count (o200k for gpt-4o, cl100k for gpt-4)', () => {
    expect(openAiTokenizer('gpt-4o')!('hello world')).toBe(2);
    // cl100k spends more tokens on Chinese than o200k does.
    const zh = '我们明天下午三点在公司楼下的咖啡馆见面。';
    expect(openAiTokenizer('gpt-4')!(zh)).toBeGreaterThan(openAiTokenizer('gpt-4o')!(zh));
  });
});

describe('TokenCounters', () => {
  const config = loadConfig({
    env: { K: 'k' },
    fileText: JSON.stringify({
      providers: { oa: { type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', apiKey: 'env:K' }, an: { type: 'anthropic', apiKey: 'env:K' } },
      models: [
        { id: 'gpt', provider: 'oa', model: 'gpt-4o' },
        { id: 'claude', provider: 'an', model: 'claude-sonnet-4-5' },
      ],
    }),
  });
  const catalog = new ModelCatalog(config);

  it('uses the tokenizer for OpenAI models and never recalibrates them', () => {
    const counters = new TokenCounters(catalog);
    const before = counters.forModel('gpt')('hello world, how are you today?');
    counters.observe('gpt', { messages: [{ role: 'user', content: 'x'.repeat(400) }] }, 1000);
    expect(counters.forModel('gpt')('hello world, how are you today?')).toBe(before);
  });

  it('calibrates other models from the input tokens their provider reports', () => {
    const counters = new TokenCounters(catalog);
    const text = 'x'.repeat(400);
    expect(counters.forModel('claude')(text)).toBe(100);
    // Estimated 100 + 4 framing; the provider counted 208: twice as many.
    counters.observe('claude', { messages: [{ role: 'user', content: text }] }, 208);
    expect(counters.forModel('claude')(text)).toBe(200);
    expect(counters.forModel('unknown-id')(text)).toBe(100);
  });

  it('saves its calibration and restores it in another process, only for the same provider model and never over its own', () => {
    const text = 'x'.repeat(400);
    const first = new TokenCounters(catalog);
    expect(first.changes).toBe(0);
    first.observe('claude', { messages: [{ role: 'user', content: text }] }, 208);
    expect(first.changes).toBe(1);
    const saved = JSON.parse(JSON.stringify(first.snapshot())) as unknown;
    expect(saved).toEqual({ claude: { model: 'claude-sonnet-4-5', ratio: 2 } });

    // A restart (or another replica) starts calibrated.
    const second = new TokenCounters(catalog);
    expect(second.restore(saved)).toBe(1);
    expect(second.forModel('claude')(text)).toBe(200);
    expect(second.changes).toBe(0);

    // Its own observations win over a saved copy; bad values and other models' entries are skipped.
    const third = new TokenCounters(catalog);
    third.observe('claude', { messages: [{ role: 'user', content: text }] }, 312);
    expect(third.restore(saved)).toBe(0);
    expect(third.forModel('claude')(text)).toBe(300);
    const renamed = new ModelCatalog(
      loadConfig({ env: { K: 'k' }, fileText: JSON.stringify({ providers: { an: { type: 'anthropic', apiKey: 'env:K' } }, models: [{ id: 'claude', provider: 'an', model: 'claude-haiku-4-5' }] }) }),
    );
    expect(new TokenCounters(renamed).restore(saved)).toBe(0);
    const fresh = new TokenCounters(catalog);
    for (const bad of [null, 'x', [1], { claude: { model: 'claude-sonnet-4-5', ratio: 50 } }, { claude: { model: 'claude-sonnet-4-5' } }, { gpt: { model: 'gpt-4o', ratio: 2 } }]) {
      expect(fresh.restore(bad)).toBe(0);
    }
    expect(fresh.forModel('claude')(text)).toBe(100);
  });
});

describe('learning from a refusal', () => {
  it('reads the prompt size from each API\'s "context too long" message', () => {
    expect(refusedPromptTokens("This model's maximum context length is 1500 tokens. However, your messages resulted in 1734 tokens.")).toBe(1734);
    expect(refusedPromptTokens('prompt is too long: 208310 tokens > 200000 maximum')).toBe(208310);
    expect(refusedPromptTokens("This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion).")).toBe(4000);
    expect(refusedPromptTokens('Your input exceeds the context window of this model.')).toBeUndefined();
  });

  it('calibrates a model from the token count its provider refused', async () => {
    const fake = await startFakeLlm({ tokenizer: 'o200k', contextLimit: { 'fake-zh': 100 } });
    try {
      const config = loadConfig({
        env: {},
        fileText: JSON.stringify({
          providers: { fake: { type: 'openai-compatible', baseUrl: fake.baseUrl } },
          models: [{ id: 'zh', provider: 'fake', model: 'fake-zh' }],
        }),
      });
      const runner = new ModelRunner({ config, catalog: new ModelCatalog(config) });
      // Code: four characters a token underestimates it by half (o200k counts 120 tokens, the estimate 54).
      const text = 'const x = add(1, 2); // {a: [3, 4]}\n'.repeat(6);
      const before = runner.tokenCounter('zh')(text);
      expect(before).toBe(54);
      await expect(runner.stream({ modelConfigId: 'zh', messages: [{ role: 'user', content: text }] })).rejects.toMatchObject({ message: expect.stringContaining('maximum context length') });
      // The provider counted 120 + 4 for the prompt we estimated at 54 + 4: our count of it doubles.
      expect(runner.tokenCounter('zh')(text)).toBeGreaterThanOrEqual(110);
    } finally {
      await fake.close();
    }
  });
});
