import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTelegramConfig, TelegramConfigError } from './config';

const TOKEN = '123456789:AAExampleTokenExampleTokenExample12';
const base = { TELEGRAM_BOT_TOKEN: TOKEN, SWITCHBOARD_API_TOKEN: 'api-token-0123456789abcdef' };

function issuesOf(env: Record<string, string | undefined>): string[] {
  try {
    loadTelegramConfig(env);
  } catch (err) {
    if (err instanceof TelegramConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a TelegramConfigError');
}

describe('loadTelegramConfig', () => {
  it('applies defaults', () => {
    const c = loadTelegramConfig(base);
    expect(c).toMatchObject({
      botToken: TOKEN,
      apiRoot: 'https://api.telegram.org',
      apiUrl: 'http://127.0.0.1:8787',
      dmPolicy: 'pairing',
      webhook: null,
      pollTimeoutSeconds: 30,
      pollStallMs: 45_000,
      editIntervalMs: 1000,
      groupEditIntervalMs: 3000,
      logLevel: 'info',
    });
    expect([...c.allowFrom]).toEqual([]);
  });

  it('parses allowlists of user and group ids', () => {
    const c = loadTelegramConfig({ ...base, TELEGRAM_ALLOW_FROM: '1001, 1002,1003', TELEGRAM_ALLOW_GROUPS: '-100200 -100300' });
    expect([...c.allowFrom]).toEqual([1001, 1002, 1003]);
    expect([...c.allowGroups]).toEqual([-100200, -100300]);
    expect(issuesOf({ ...base, TELEGRAM_ALLOW_FROM: '1001,@bob' })[0]).toMatch(/^TELEGRAM_ALLOW_FROM: must be comma-separated numeric user ids/);
  });

  it('names every bad variable and never echoes a value', () => {
    const issues = issuesOf({ TELEGRAM_BOT_TOKEN: 'not a token secret-value', SWITCHBOARD_API_URL: 'ftp://x', TELEGRAM_DM_POLICY: 'open', SWITCHBOARD_API_TOKEN: 'short' });
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['SWITCHBOARD_API_TOKEN', 'SWITCHBOARD_API_URL', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_DM_POLICY']);
    expect(issues.join('\n')).not.toContain('secret-value');
    expect(issuesOf({})[0]).toMatch(/^TELEGRAM_BOT_TOKEN: /);
  });

  it('reads the API token file from the data directory when SWITCHBOARD_API_TOKEN is not set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-config-'));
    try {
      expect(issuesOf({ TELEGRAM_BOT_TOKEN: TOKEN, SWITCHBOARD_DATA_DIR: dir })[0]).toMatch(/^SWITCHBOARD_API_TOKEN: is required/);
      writeFileSync(join(dir, 'api-token'), 'file-token-0123456789abcdef\n');
      expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, SWITCHBOARD_DATA_DIR: dir }).apiToken).toBe('file-token-0123456789abcdef');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('configures webhook mode from TELEGRAM_WEBHOOK_URL, with a generated secret when none is given', () => {
    const a = loadTelegramConfig({ ...base, TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg/hook?x=1' });
    expect(a.webhook).toMatchObject({ url: 'https://bot.example.com/tg/hook?x=1', path: '/tg/hook', host: '127.0.0.1', port: 8788 });
    expect(a.webhook!.secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(loadTelegramConfig({ ...base, TELEGRAM_WEBHOOK_URL: 'https://b.example.com/h' }).webhook!.secret).not.toBe(a.webhook!.secret);
    const b = loadTelegramConfig({ ...base, TELEGRAM_WEBHOOK_URL: 'https://b.example.com/h', TELEGRAM_WEBHOOK_SECRET: 'my-secret-token-123' });
    expect(b.webhook!.secret).toBe('my-secret-token-123');
    expect(issuesOf({ ...base, TELEGRAM_WEBHOOK_URL: 'https://b.example.com/h', TELEGRAM_WEBHOOK_SECRET: 'bad secret!' })[0]).toMatch(/^TELEGRAM_WEBHOOK_SECRET/);
  });

  it('derives the stall threshold from the long-poll timeout unless set', () => {
    expect(loadTelegramConfig({ ...base, TELEGRAM_POLL_TIMEOUT_SECONDS: '10' }).pollStallMs).toBe(25_000);
    expect(loadTelegramConfig({ ...base, TELEGRAM_POLL_STALL_MS: '5000' }).pollStallMs).toBe(5000);
  });
});
