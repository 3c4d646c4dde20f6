import { rmSync } from 'node:fs';
import { createPostgresTestDatabase } from '@switchboard/persistence/testing';
import { apiTestEnv, freePort, startApiProcess } from '@switchboard/tools/testing';
import { clientFor, describeMainPassOnly, testConfig, TEST_TOKEN } from './harness';
import type { FakeLlmServer } from '@switchboard/tools/fake-llm';


const PASSWORD = 'sekret-Pa55word';
const fakeLlm = { baseUrl: 'http://127.0.0.1:9/v1' } as unknown as FakeLlmServer;


describeMainPassOnly('DATABASE_URL (real API process)', () => {
  const dirs: string[] = [];
  const envWith = (url: string, extra: Record<string, string> = {}) => {
    const { dataDir, env } = apiTestEnv(testConfig(fakeLlm), { token: TEST_TOKEN });
    dirs.push(dataDir);
    return { ...env, DATABASE_URL: url, ...extra };
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const failure = async (env: Record<string, string>) => {
    const err = await startApiProcess(env, { timeoutMs: 20_000 }).then(
      (p) => {
        void p.stop();
        throw new Error('the API started');
      },
      (e: Error) => e,
    );
    return err.message;
  };

  it('stops with a clear message naming where it tried, never the password, when the server is unreachable', async () => {
    const port = await freePort();
    const log = await failure(envWith(`postgres://switchboard:${PASSWORD}@127.0.0.1:${port}/switchboard`));
    expect(log).toContain('exited (2)');
    expect(log).toContain('database error');
    expect(log).toContain(`Could not open the database at postgres://switchboard:***@127.0.0.1:${port}/switchboard`);
    expect(log).toContain('ECONNREFUSED');
    expect(log).not.toContain(PASSWORD);
  });

  it('stops with a configuration error for a URL that is not PostgreSQL, without echoing it', async () => {
    const log = await failure(envWith(`mysql://root:${PASSWORD}@127.0.0.1/db`));
    expect(log).toContain('exited (2)');
    expect(log).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(log).not.toContain(PASSWORD);
  });

  it('stops with a clear message for a wrong password, and runs on PostgreSQL with the right one and its pool settings', async () => {
    const db = await createPostgresTestDatabase();
    try {
      const wrong = new URL(db.url);
      wrong.password = PASSWORD;
      const log = await failure(envWith(wrong.toString()));
      expect(log).toContain('password authentication failed');
      expect(log).not.toContain(PASSWORD);

      const api = await startApiProcess(envWith(db.url, { DATABASE_POOL_SIZE: '3', DATABASE_STATEMENT_TIMEOUT_MS: '5000', SWITCHBOARD_REPLICA_ID: 'url-test' }));
      try {
        const client = clientFor(api.url);
        const s = await client.createSession({ peerId: 'on-postgres' });
        expect((await client.getSession(s.id)).id).toBe(s.id);
        expect(api.log.join('\n')).not.toContain(new URL(db.url).password);
        const where = new URL(db.url);
        expect(api.log.some((l) => l.includes(`"database":"postgres ${where.host}${where.pathname}"`))).toBe(true);
      } finally {
        await api.stop();
      }
    } finally {
      await db.drop();
    }
  });
});
