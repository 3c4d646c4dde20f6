import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { clientFor, eventually, testConfig, TEST_TOKEN } from './harness';

const MAIN = resolve(__dirname, '../dist/main.js');

/** Starts the built API as its own process (so it can be killed) and resolves with its URL. */
function spawnApi(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (m) resolvePromise({ child, url: m[1], output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`API exited early (${code}): ${out}`)));
  });
}

describe('crash mid-turn (real process, SIGKILL)', () => {
  let fake: FakeLlmServer;
  let dataDir: string;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does).`);
    fake = await startFakeLlm({ apiKey: 'fake-secret-key' });
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-crash-'));
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify(testConfig(fake)));
    env = {
      PORT: '0',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_CONFIG: join(dataDir, 'config.json'),
      SWITCHBOARD_API_TOKEN: TEST_TOKEN,
      FAKE_KEY: 'fake-secret-key',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps everything the user sent, marks the turn interrupted with its partial reply, and resumes the queue in order', async () => {
    fake.addRule({ match: 'tell me a long story', reply: 'word '.repeat(400), firstTokenDelayMs: 20, chunkDelayMs: 40 });
    const first = await spawnApi(env);
    children.push(first.child);
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

    const second = await spawnApi(env);
    children.push(second.child);
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
    expect(first.output() + second.output()).not.toContain(TEST_TOKEN);
    expect(first.output() + second.output()).not.toContain('fake-secret-key');
  });
});
