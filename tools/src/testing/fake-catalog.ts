import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeLlmServer } from '../fake-llm';

/**
 * The model catalog every e2e suite runs on, over one fake LLM: two OpenAI-compatible engines,
 * an Anthropic one, a local one and one with a small context window. `main` (OpenAI-compatible)
 * and `claude` (Anthropic) read images and PDF files; `llama` reads images but not PDFs (they
 * reach it as text); the others are text-only (the default). The key comes from
 * `FAKE_KEY` in the API's environment (`env:` reference), as a real key would.
 */
export function fakeCatalog(fake: FakeLlmServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: {
      fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
      fakeanthropic: { type: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
    },
    models: [
      { id: 'main', provider: 'fake', model: 'fake-main', tier: 'default', label: 'Fake Main', aliases: ['gpt'], contextWindow: 100000, price: { input: 2, output: 8 }, input: ['text', 'image', 'pdf'] },
      { id: 'quick', provider: 'fake', model: 'fake-quick', tier: 'fast', label: 'Fake Quick', price: { input: 0.4, output: 1.6 } },
      { id: 'claude', provider: 'fakeanthropic', model: 'claude-fake', tier: 'complex', label: 'Fake Claude', aliases: ['sonnet'], price: { input: 3, output: 15 }, input: ['text', 'image', 'pdf'] },
      { id: 'llama', provider: 'fake', model: 'fake-llama', tier: 'local', label: 'Fake Llama (local)', input: ['text', 'image'] },
      { id: 'tiny', provider: 'fake', model: 'fake-tiny', label: 'Fake Tiny (small context)', contextWindow: 600 },
    ],
    defaultModel: 'main',
    ...extra,
  };
}

/** The key the fake LLM is started with and the API gets as FAKE_KEY. */
export const FAKE_KEY = 'fake-secret-key';

/** Resolves when `predicate` holds, polling; fails with `what` after the timeout. */
export async function eventually<T>(fn: () => Promise<T> | T, predicate: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  let last: T = await fn();
  while (!predicate(last)) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 20));
    last = await fn();
  }
  return last;
}

export interface ApiTestEnvOptions {
  token: string;
  /** An existing data directory (kept); by default a new temp one. */
  dataDir?: string;
  /** pino level; the default `info` lets the start-up line through for startApiProcess. */
  logLevel?: string;
}

/**
 * A data directory with `config` written into it, and the API environment over it: port 0 on
 * loopback, the token, and FAKE_KEY for the catalog's `env:FAKE_KEY` references.
 */
export function apiTestEnv(config: Record<string, unknown>, options: ApiTestEnvOptions): { dataDir: string; env: Record<string, string> } {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  return {
    dataDir,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_CONFIG: configFile,
      SWITCHBOARD_API_TOKEN: options.token,
      FAKE_KEY,
      LOG_LEVEL: options.logLevel ?? 'info',
    },
  };
}
