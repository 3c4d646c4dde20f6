import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runCli } from '@switchboard/tools/cli';
import { REPO_ROOT } from '@switchboard/tools/testing';
import { startTestApi, TEST_TOKEN, type TestApi } from './harness';

const COMMANDS = ['models', 'default', 'sessions', 'session', 'model', 'pending', 'pair', 'revoke', 'help'];

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the launcher that `npm run switchboard` runs, as a user would. */
function launch(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'tools/scripts/switchboard.mjs'), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

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

  it('help, --help and -h list every command; an unknown option shows the usage', async () => {
    for (const argv of [['help'], ['--help'], ['-h'], ['models', '--help']]) {
      const r = await run(...argv);
      expect([argv, r.code]).toEqual([argv, 0]);
      for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
    const none = await run();
    expect(none.code).toBe(1);
    expect(none.out).toContain('Commands:');
    const bad = await run('models', '--bogus');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("Unknown option '--bogus'");
    expect(bad.out).toContain('Commands:');
  });

  it('says which URL it tried and how to start the API when nothing answers there', async () => {
    const port = await closedPort();
    const out: string[] = [];
    const code = await runCli(['models'], { SWITCHBOARD_API_URL: `http://127.0.0.1:${port}/`, SWITCHBOARD_API_TOKEN: TEST_TOKEN }, (s) => out.push(s));
    expect(code).toBe(3);
    expect(out.join('\n')).toContain(`Could not reach the Switchboard API at http://127.0.0.1:${port} (connection refused).`);
    expect(out.join('\n')).toContain('npm run api');
    // The default URL, from PORT, when SWITCHBOARD_API_URL is unset.
    const viaPort: string[] = [];
    expect(await runCli(['sessions'], { PORT: String(port), SWITCHBOARD_API_TOKEN: TEST_TOKEN }, (s) => viaPort.push(s))).toBe(3);
    expect(viaPort[0]).toContain(`http://127.0.0.1:${port}`);
    const badUrl: string[] = [];
    expect(await runCli(['models'], { SWITCHBOARD_API_URL: 'not a url', SWITCHBOARD_API_TOKEN: TEST_TOKEN }, (s) => badUrl.push(s))).toBe(1);
    expect(badUrl[0]).toContain('SWITCHBOARD_API_URL is not a valid URL');
  });

  it('npm run switchboard runs the built CLI without rebuilding on every call', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.switchboard).toBe('node tools/scripts/switchboard.mjs');
    // The first call may build (a fresh clone, or sources changed); the next one must not.
    await launch(['help']);
    const r = await launch(['help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Usage: npm run switchboard');
    expect(r.ms).toBeLessThan(1500);
    const port = await closedPort();
    const down = await launch(['models'], { SWITCHBOARD_API_URL: `http://127.0.0.1:${port}`, SWITCHBOARD_API_TOKEN: TEST_TOKEN });
    expect(down.code).toBe(3);
    expect(down.stdout).toContain(`http://127.0.0.1:${port}`);
    const up = await launch(['models'], { SWITCHBOARD_API_URL: t.api.url, SWITCHBOARD_API_TOKEN: TEST_TOKEN });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('Global default:');
  }, 120_000);
});
