import { rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import WebSocket from 'ws';
import { SwitchboardClient, type WebSocketConstructor } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { apiTestEnv, eventually, FAKE_KEY, fakeCatalog, startApiProcess, type NodeProcess } from '@switchboard/tools/testing';
import { startTelegram, type RunningTelegram } from '../src/app';
import { createLogger } from '../src/logger';
import { ANN, startFakeBotApi, type FakeBotApi } from './fake-bot-api';

export const TEST_TOKEN = 'telegram-e2e-token-0123456789abcdef';
export const testConfig = fakeCatalog;
export { ANN, eventually };

/** The real API, built and started as its own process (what `npm run api` runs), over the fake LLM. */
export interface TestApi {
  api: { url: string; port: number; close(): Promise<void> };
  client: SwitchboardClient;
  fake: FakeLlmServer;
  /** The API's environment; a restart uses it as it is then (e.g. PORT pinned to come back on the same port). */
  env: Record<string, string>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function startTestApi(config: (fake: FakeLlmServer) => Record<string, unknown> = fakeCatalog): Promise<TestApi> {
  const fake = await startFakeLlm({ apiKey: FAKE_KEY });
  const { dataDir, env } = apiTestEnv(config(fake), { token: TEST_TOKEN });
  const wrap = (p: NodeProcess): TestApi['api'] => ({ url: p.url, port: Number(new URL(p.url).port), close: () => p.stop() });
  const client = (url: string) => new SwitchboardClient({ baseUrl: url, token: TEST_TOKEN, WebSocket: WebSocket as unknown as WebSocketConstructor });
  let running = await startApiProcess(env);
  const t: TestApi = {
    api: wrap(running),
    client: client(running.url),
    fake,
    env,
    async restart() {
      await running.stop();
      running = await startApiProcess(env);
      t.api = wrap(running);
      t.client = client(running.url);
    },
    async close() {
      await running.stop();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** The model turns the fake LLM served (streamed chat completions; side work such as memory extraction is not streamed). */
export function turnRequests(t: { api: TestApi }) {
  return t.api.fake.requests.filter((r) => r.stream);
}

export interface TelegramTest {
  api: TestApi;
  tg: FakeBotApi;
  bot: RunningTelegram;
  /** Every log line the bot wrote (JSON). */
  logs: string[];
  /** Starts another bot against the same fakes (after `bot.stop()`), with extra env. */
  restartBot(env?: Record<string, string>): Promise<RunningTelegram>;
  close(): Promise<void>;
}

export interface TelegramTestOptions {
  /** Extra (or overriding) bot environment. */
  env?: Record<string, string>;
  config?: (fake: FakeLlmServer) => Record<string, unknown>;
}

/** The real API (fake LLM behind it), a fake Bot API, and the real bot polling it. */
export async function startTelegramTest(options: TelegramTestOptions = {}): Promise<TelegramTest> {
  const api = await startTestApi(options.config);
  const tg = await startFakeBotApi();
  const logs: string[] = [];
  const sink = { write: (line: string) => void logs.push(line) } as unknown as Writable;
  const baseEnv = (): Record<string, string> => ({
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.url,
    SWITCHBOARD_API_URL: api.api.url,
    SWITCHBOARD_API_TOKEN: TEST_TOKEN,
    TELEGRAM_ALLOW_FROM: String(ANN.id),
    TELEGRAM_POLL_TIMEOUT_SECONDS: '1',
    TELEGRAM_EDIT_INTERVAL_MS: '150',
    TELEGRAM_GROUP_EDIT_INTERVAL_MS: '150',
    LOG_LEVEL: 'debug',
  });
  const start = (env: Record<string, string> = {}) => {
    const fullEnv = { ...baseEnv(), ...options.env, ...env };
    const logger = createLogger('debug', [fullEnv.TELEGRAM_BOT_TOKEN, TEST_TOKEN], sink as never);
    return startTelegram({ env: fullEnv, logger });
  };
  const t: TelegramTest = {
    api,
    tg,
    bot: await start(),
    logs,
    async restartBot(env) {
      t.bot = await start(env);
      return t.bot;
    },
    async close() {
      await t.bot.stop();
      await tg.close();
      await api.close();
    },
  };
  return t;
}
