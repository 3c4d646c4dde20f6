import { runCli } from '@switchboard/tools/cli';
import { startTestApi, TEST_TOKEN, type TestApi } from './harness';

describe('operator CLI against the real API', () => {
  let t: TestApi;
  let env: Record<string, string>;
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runCli(argv, env, (s) => out.push(s));
    return { code, out: out.join('\n') };
  };
  beforeAll(async () => {
    t = await startTestApi();
    env = { SWITCHBOARD_API_URL: t.api.url, SWITCHBOARD_API_TOKEN: TEST_TOKEN };
  });
  afterAll(() => t.close());

  it('lists models and shows and sets the global default', async () => {
    const models = await run('models');
    expect(models.code).toBe(0);
    expect(models.out).toContain('Global default: Fake Main (main, global)');
    expect(models.out).toMatch(/\* main\s+Fake Main/);
    const set = await run('default', 'fast');
    expect(set).toMatchObject({ code: 0, out: 'Global default set to Fake Quick (quick)' });
    expect((await t.client.listModels()).defaultModel.modelConfigId).toBe('quick');
    expect((await run('default', 'nope')).out).toContain('INVALID_MODEL');
    await run('default', 'main');
  });

  it('lists sessions and sets and clears a session override', async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'cli-1' });
    expect((await run('sessions', '--channel', 'telegram')).out).toContain(s.id);
    const set = await run('model', s.id, 'local');
    expect(set.code).toBe(0);
    expect((await t.client.getSession(s.id)).modelOverride).toBe('llama');
    expect((await run('session', s.id)).out).toContain('override: llama');
    await run('model', s.id, 'default');
    expect((await t.client.getSession(s.id)).modelOverride).toBeNull();
    expect((await run('session', 'missing')).out).toContain('SESSION_NOT_FOUND');
  });

  it('refuses to run without a token and explains usage', async () => {
    const noToken = await runCli(['models'], { SWITCHBOARD_API_URL: t.api.url, SWITCHBOARD_DATA_DIR: '/nonexistent' }, () => undefined);
    expect(noToken).toBe(2);
    expect((await run('frobnicate')).code).toBe(1);
  });
});
