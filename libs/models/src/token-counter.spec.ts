import { loadConfig } from './load-config';
import { ModelCatalog } from './model-catalog';
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
});
