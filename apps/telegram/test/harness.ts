import type { Writable } from 'node:stream';
import type { FakeLlmServer } from '@switchboard/tools/fake-llm';
// eslint-disable-next-line @nx/enforce-module-boundaries -- e2e: the bot is tested against the real API, started in-process
import { eventually, startTestApi, TEST_TOKEN, testConfig, type TestApi } from '../../api/test/harness';
import { startTelegram, type RunningTelegram } from '../src/app';
import { createLogger } from '../src/logger';
import { ANN, startFakeBotApi, type FakeBotApi } from './fake-bot-api';

export { ANN, eventually, TEST_TOKEN, testConfig };

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
  const api = await startTestApi(options.config ? { config: options.config } : {});
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
