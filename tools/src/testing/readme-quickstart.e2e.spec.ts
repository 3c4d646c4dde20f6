import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, startApiProcess, type NodeProcess } from './node-process';

const run = promisify(execFile);

/** The README's quick-start commands, as a new user pastes them after `npm start`. */
function quickStartBlock(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5));
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.includes('TOKEN=$(cat data/api-token)'));
  if (!block) throw new Error('the README quick start has no block that reads data/api-token');
  return block;
}

describe("the README's quick start works as written", () => {
  let dataRoot: string;
  let api: NodeProcess;

  beforeAll(async () => {
    // A fresh install: no config, no token given (the API generates data/api-token), the offline model.
    dataRoot = mkdtempSync(join(tmpdir(), 'switchboard-quickstart-'));
    api = await startApiProcess({ PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: join(dataRoot, 'data'), LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('runs every command of the block with exit 0, and the message gets a reply', async () => {
    // Only where this API listens differs from the README (it says 8787): the commands are the README's.
    const script = quickStartBlock().replaceAll('http://127.0.0.1:8787', api.url).replaceAll('data/api-token', join(dataRoot, 'data', 'api-token'));
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SWITCHBOARD_API_URL: api.url, SWITCHBOARD_DATA_DIR: join(dataRoot, 'data') },
      timeout: 120_000,
    });
    // The send's JSON carries the finished reply; the CLI lists the models and shows the session.
    expect(stdout).toMatch(/"reply":\{[^{}]*"role":"assistant"[^{}]*"content":"I'm Switchboard's offline demo model/);
    expect(stdout).toContain('Offline demo model');
  }, 150_000);
});
