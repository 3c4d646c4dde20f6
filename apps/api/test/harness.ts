import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SwitchboardClient, type SwitchboardSocket, type WebSocketConstructor } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { startApi, type RunningApi } from '../src/app';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** A catalog over the fake LLM: two OpenAI-compatible engines, an Anthropic one and a local one. */
export function testConfig(fake: FakeLlmServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: {
      fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
      fakeanthropic: { type: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
    },
    models: [
      { id: 'main', provider: 'fake', model: 'fake-main', tier: 'default', label: 'Fake Main', aliases: ['gpt'], contextWindow: 100000, price: { input: 2, output: 8 } },
      { id: 'quick', provider: 'fake', model: 'fake-quick', tier: 'fast', label: 'Fake Quick', price: { input: 0.4, output: 1.6 } },
      { id: 'claude', provider: 'fakeanthropic', model: 'claude-fake', tier: 'complex', label: 'Fake Claude', aliases: ['sonnet'] },
      { id: 'llama', provider: 'fake', model: 'fake-llama', tier: 'local', label: 'Fake Llama (local)' },
      { id: 'tiny', provider: 'fake', model: 'fake-tiny', label: 'Fake Tiny (small context)', contextWindow: 600 },
    ],
    defaultModel: 'main',
    ...extra,
  };
}

export interface TestApi {
  api: RunningApi;
  client: SwitchboardClient;
  dataDir: string;
  fake: FakeLlmServer;
  env: Record<string, string>;
  socket(): Promise<SwitchboardSocket>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the real API on port 0 with a temp data dir and the fake LLM behind it. */
export async function startTestApi(opts: { config?: (fake: FakeLlmServer) => Record<string, unknown>; fake?: FakeLlmServer; dataDir?: string } = {}): Promise<TestApi> {
  const fake = opts.fake ?? (await startFakeLlm({ apiKey: 'fake-secret-key' }));
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'switchboard-e2e-'));
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify((opts.config ?? testConfig)(fake)));
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_CONFIG: configFile,
    SWITCHBOARD_API_TOKEN: TEST_TOKEN,
    FAKE_KEY: 'fake-secret-key',
    LOG_LEVEL: 'silent',
  };
  const sockets: SwitchboardSocket[] = [];
  const t: TestApi = {
    api: await startApi({ env }),
    client: null as unknown as SwitchboardClient,
    dataDir,
    fake,
    env,
    async socket() {
      const s = await t.client.connect();
      sockets.push(s);
      return s;
    },
    async restart() {
      for (const s of sockets.splice(0)) s.close();
      await t.api.close();
      t.api = await startApi({ env });
      t.client = clientFor(t.api.url);
    },
    async close() {
      for (const s of sockets.splice(0)) s.close();
      await t.api.close();
      if (!opts.fake) await fake.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  t.client = clientFor(t.api.url);
  return t;
}

export function clientFor(url: string, token: string = TEST_TOKEN): SwitchboardClient {
  return new SwitchboardClient({ baseUrl: url, token, WebSocket: WebSocket as unknown as WebSocketConstructor });
}

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

/** Raw HTTP for malformed-input tests (the typed client would refuse to send them). */
export async function rawRequest(url: string, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(url + path, { method, body: init.body, headers: init.headers });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json: json as { error?: { code: string; message: string; details?: Record<string, unknown> } } & Record<string, unknown>, text };
}

/** Requests made for conversation turns (they offer tools), not for delegated side work (titles, compaction, memory). */
export function turnRequests(fake: FakeLlmServer): FakeLlmServer['requests'] {
  return fake.requests.filter((r) => Array.isArray((r.body as { tools?: unknown }).tools));
}

/** The last conversation-turn request the fake LLM received. */
export function lastTurnRequest(fake: FakeLlmServer): FakeLlmServer['requests'][number] {
  const all = turnRequests(fake);
  if (all.length === 0) throw new Error('the fake LLM received no turn request');
  return all[all.length - 1];
}
