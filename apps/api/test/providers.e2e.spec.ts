/**
 * Settings' read-only views over real HTTP: how each provider answered lately (from the one retry
 * layer, never a key) and the system prompt and agents of the config file.
 */
import { FAKE_KEY } from '@switchboard/tools/testing';
import { AUTH_HEADERS, rawRequest, startTestApi, testConfig, type TestApi } from './harness';

describe('provider status and the assistant config (e2e)', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({
      config: (fake) => ({
        ...testConfig(fake),
        systemPrompt: 'You are the test assistant.',
        agents: [{ name: 'support', match: { channel: 'telegram', peer: '*' }, model: 'quick', systemPrompt: 'Be brief.', memory: false }],
      }),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says a provider was unused until a call, then when it last answered and when it last failed (with code and status)', async () => {
    const before = await t.client.getProviderStatus();
    expect(before.providers.map((p) => [p.id, p.state])).toEqual([
      ['fake', 'unused'],
      ['fakeanthropic', 'unused'],
    ]);
    expect(before.providers[0].models).toEqual(['main', 'quick', 'llama', 'tiny']);
    expect(Date.parse(before.since)).not.toBeNaN();

    const s = await t.client.createSession({ peerId: 'provider-status' });
    await t.client.sendMessage(s.id, { text: 'hello', wait: true });
    t.fake.addRule({ model: 'claude-fake', status: 401 });
    await t.client.sendMessage(s.id, { text: 'and you?', model: 'claude', wait: true }).catch(() => undefined);

    const after = await t.client.getProviderStatus();
    const fake = after.providers.find((p) => p.id === 'fake')!;
    const anthropic = after.providers.find((p) => p.id === 'fakeanthropic')!;
    expect(fake).toMatchObject({ state: 'ok', lastFailureAt: null, lastErrorCode: null, consecutiveFailures: 0 });
    expect(Date.parse(fake.lastSuccessAt!)).not.toBeNaN();
    expect(anthropic).toMatchObject({ state: 'failing', lastSuccessAt: null, lastErrorCode: 'PROVIDER_ERROR', lastErrorStatus: 401, consecutiveFailures: 1 });
    expect(typeof anthropic.lastError).toBe('string');

    // Never a key, in any field.
    const raw = await rawRequest(t.api.url, 'GET', '/api/v1/providers/status', { headers: AUTH_HEADERS });
    expect(raw.status).toBe(200);
    expect(raw.text).not.toContain(FAKE_KEY);
    expect(raw.text).not.toContain('apiKey');
  });

  it('shows the configured system prompt and agents, and where the config came from', async () => {
    const a = await t.client.getAssistantConfig();
    expect(a).toMatchObject({
      systemPrompt: 'You are the test assistant.',
      systemPromptSource: 'config',
      agents: [{ name: 'support', match: { channel: 'telegram', peer: '*' }, model: 'quick', tier: null, systemPrompt: 'Be brief.', memory: false, tools: null }],
    });
    expect(a.configSources.some((s) => s.startsWith('file:'))).toBe(true);
  });

  it('requires the token', async () => {
    for (const path of ['/api/v1/providers/status', '/api/v1/settings/assistant']) {
      const r = await rawRequest(t.api.url, 'GET', path);
      expect(r.status).toBe(401);
    }
  });
});
