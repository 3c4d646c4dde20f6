import type { SwitchboardConfigInput } from '../config.schema';

/** The example config from DESIGN.md section 8 (secrets as env refs), for tests. */
export function exampleConfig(): SwitchboardConfigInput {
  return {
    providers: {
      openai: { type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', apiKey: 'env:OPENAI_API_KEY' },
      anthropic: { type: 'anthropic', apiKey: 'env:ANTHROPIC_API_KEY' },
      ollama: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' },
    },
    models: [
      {
        id: 'main',
        provider: 'openai',
        model: 'gpt-4.1',
        tier: 'default',
        label: 'GPT-4.1',
        aliases: ['gpt'],
        contextWindow: 1000000,
        price: { input: 2, output: 8 },
        fallbacks: ['claude'],
      },
      { id: 'quick', provider: 'openai', model: 'gpt-4.1-mini', tier: 'fast', label: 'GPT-4.1 mini' },
      { id: 'claude', provider: 'anthropic', model: 'claude-sonnet-4-5', tier: 'complex', label: 'Claude Sonnet' },
      { id: 'llama', provider: 'ollama', model: 'llama3.2', tier: 'local', label: 'Llama 3.2 (local)', enabled: true },
    ],
    defaultModel: 'main',
    agents: [{ name: 'support', match: { channel: 'telegram', peer: '*' }, model: 'quick', systemPrompt: '...' }],
    delegation: { compaction: 'fast', memory_extraction: 'fast', classification: 'fast', tool_summarisation: 'fast', complex_reasoning: 'complex' },
    compaction: { thresholdPct: 80, keepTurns: 6, summaryMaxTokens: 800 },
  };
}

/** Environment that satisfies the example config's env refs. */
export const EXAMPLE_ENV = { OPENAI_API_KEY: 'sk-test-openai', ANTHROPIC_API_KEY: 'sk-ant-test' } as const;
