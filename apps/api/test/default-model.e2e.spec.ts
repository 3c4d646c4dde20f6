/**
 * The global default when the saved one no longer resolves (its model was removed from the
 * config): the chain falls to the config file's `defaultModel` (not straight to the built-in
 * tier), and the warning shows once, on the setting and in the model list, not on every reply.
 */
import { rmSync } from 'node:fs';
import type { Message } from '@switchboard/protocol';
import { runCli } from '@switchboard/tools/cli';
import { eventually, startTestApi, TEST_TOKEN, testConfig, type TestApi } from './harness';

describe('a saved global default that is gone (e2e)', () => {
  let t: TestApi;
  let cleanup = async () => undefined as void;

  beforeAll(async () => {
    // Save "llama" as the global default, then restart with llama removed from the catalog and
    // the config file's defaultModel set to claude (the built-in default tier is main).
    const first = await startTestApi();
    await first.client.setDefaultModel('llama');
    await first.api.close();
    t = await startTestApi({
      fake: first.fake,
      dataDir: first.dataDir,
      config: (f) => {
        const c = testConfig(f) as { models: Array<{ id: string }> };
        return { ...c, defaultModel: 'claude', models: c.models.filter((m) => m.id !== 'llama') };
      },
    });
    cleanup = async () => {
      await first.fake.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    };
  });
  afterAll(async () => {
    await t?.close();
    await cleanup();
  });

  it("falls to the config file's defaultModel and says so once, in the model list", async () => {
    const models = await t.client.listModels();
    expect(models.defaultModel).toMatchObject({ modelConfigId: 'claude', source: 'global', label: 'Fake Claude' });
    expect(models.defaultModel.warnings).toEqual([
      'The saved global default model "llama" is no longer available; using "claude" (the config file\'s defaultModel).',
    ]);
    // The operator CLI shows it with the setting too.
    const out: string[] = [];
    expect(await runCli(['default'], { SWITCHBOARD_API_URL: t.api.url, SWITCHBOARD_API_TOKEN: TEST_TOKEN }, (l) => out.push(l))).toBe(0);
    expect(out).toEqual(['Global default: Fake Claude (claude)', `  warning: ${models.defaultModel.warnings[0]}`]);
  });

  it('answers with that model and repeats no warning on replies or on the conversation', async () => {
    const s = await t.client.createSession({ peerId: 'gone-default' });
    expect(s.effectiveModel).toMatchObject({ modelConfigId: 'claude', source: 'global', warnings: [] });
    for (const text of ['first', 'second']) {
      const r = await t.client.sendMessage(s.id, { text, wait: true });
      expect(r.reply).toMatchObject({ modelConfigId: 'claude', modelSource: 'global', warnings: [] });
    }
    const { messages } = await t.client.listMessages(s.id);
    expect(messages.filter((m: Message) => m.role === 'assistant')).toHaveLength(2);
    expect(messages.flatMap((m: Message) => m.warnings ?? [])).toEqual([]);
    expect(messages.some((m: Message) => JSON.stringify(m.event ?? {}).includes('llama'))).toBe(false);
  });

  it('saving the effective model clears the warning, and it stays saved across a restart', async () => {
    const saved = await t.client.setDefaultModel('claude');
    expect(saved.defaultModel).toMatchObject({ modelConfigId: 'claude', source: 'global', warnings: [] });
    await t.restart();
    expect((await t.client.listModels()).defaultModel).toMatchObject({ modelConfigId: 'claude', warnings: [] });
    const s = await t.client.createSession({ peerId: 'after-save' });
    const r = await t.client.sendMessage(s.id, { text: 'hello', wait: true });
    expect(r.reply).toMatchObject({ modelConfigId: 'claude', warnings: [] });
    await eventually(() => t.client.getSession(s.id), (x) => x.status === 'idle', 'session idle');
  });

  it('`default` clears a session override on every door (REST, WebSocket, /model); `cloud` pins the default tier', async () => {
    const s = await t.client.createSession({ peerId: 'default-word' });
    const follows = { modelOverride: null, effectiveModel: expect.objectContaining({ source: 'global' }) };
    await t.client.setSessionModel(s.id, 'quick');
    expect(await t.client.setSessionModel(s.id, 'default')).toMatchObject(follows);
    await t.client.setSessionModel(s.id, 'quick');
    expect(await t.client.setSessionModel(s.id, ' DEFAULT ')).toMatchObject(follows);

    const ws = await t.socket();
    await t.client.setSessionModel(s.id, 'quick');
    expect(await ws.call('session.setModel', { sessionId: s.id, model: 'default' })).toMatchObject(follows);

    await t.client.setSessionModel(s.id, 'quick');
    const r = await t.client.sendMessage(s.id, { text: '/model default' });
    expect(r.command).toMatchObject({ name: 'model', ok: true });
    expect(await t.client.getSession(s.id)).toMatchObject(follows);

    // A message's own `model: "default"` means the same: the override goes, the reply follows the chain.
    await t.client.setSessionModel(s.id, 'quick');
    const sent = await t.client.sendMessage(s.id, { text: 'follow the chain', model: 'default', wait: true });
    expect(sent.reply).toMatchObject({ modelSource: 'global' });
    expect(await t.client.getSession(s.id)).toMatchObject(follows);

    // The default tier is still reachable as an override, by its alias.
    expect(await t.client.setSessionModel(s.id, 'cloud')).toMatchObject({ modelOverride: 'main', effectiveModel: { modelConfigId: 'main', source: 'session' } });
  });
});
