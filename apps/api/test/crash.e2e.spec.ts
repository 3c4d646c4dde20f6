import { rmSync } from 'node:fs';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { apiTestEnv, FAKE_KEY, startApiProcess, type NodeProcess } from '@switchboard/tools/testing';
import { clientFor, eventually, testConfig, TEST_TOKEN } from './harness';

describe('crash mid-turn (real process, SIGKILL)', () => {
  let fake: FakeLlmServer;
  let dataDir: string;
  let env: Record<string, string>;
  const children: NodeProcess[] = [];

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: FAKE_KEY });
    ({ dataDir, env } = apiTestEnv(testConfig(fake), { token: TEST_TOKEN }));
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps everything the user sent, marks the turn interrupted with its partial reply, and resumes the queue in order', async () => {
    fake.addRule({ match: 'tell me a long story', reply: 'word '.repeat(400), firstTokenDelayMs: 20, chunkDelayMs: 40 });
    const first = await startApiProcess(env);
    children.push(first);
    const client = clientFor(first.url);
    const s = await client.createSession({ peerId: 'crash' });
    await client.setSessionModel(s.id, 'quick');
    await client.sendMessage(s.id, { text: 'tell me a long story' });
    await client.sendMessage(s.id, { text: 'queued one' });
    await client.sendMessage(s.id, { text: 'queued two', model: 'main' });
    // Wait until some of the partial reply has been saved, then kill without warning.
    await eventually(
      async () => (await client.listMessages(s.id)).messages,
      (m) => m.some((x) => x.role === 'assistant' && x.content.length > 0),
      'partial reply saved',
    );
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await startApiProcess(env);
    children.push(second);
    const client2 = clientFor(second.url);
    const msgs = await eventually(
      async () => (await client2.listMessages(s.id)).messages,
      (m) => m.filter((x) => x.role === 'assistant' && x.status === 'complete').length === 2,
      'queue resumed after restart',
    );
    const users = msgs.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users).toEqual(['tell me a long story', 'queued one', 'queued two']);
    const interrupted = msgs.find((m) => m.role === 'assistant' && m.status === 'interrupted')!;
    expect(interrupted.content.startsWith('word')).toBe(true);
    expect(interrupted.content.length).toBeLessThan('word '.repeat(400).length);
    expect(msgs.some((m) => m.kind === 'turn_interrupted')).toBe(true);
    const replies = msgs.filter((m) => m.role === 'assistant' && m.status === 'complete');
    expect(replies.map((m) => [m.modelConfigId, m.modelSource])).toEqual([
      ['quick', 'queued'],
      ['main', 'queued'],
    ]);
    const session = await client2.getSession(s.id);
    expect(session.status).toBe('idle');
    expect(session.modelOverride).toBe('main');
    // The token never reaches the logs.
    const output = [...first.log, ...second.log].join('\n');
    expect(output).toContain('listening on');
    expect(output).not.toContain(TEST_TOKEN);
    expect(output).not.toContain(FAKE_KEY);
  });
});
