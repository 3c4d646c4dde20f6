import { connect } from 'node:net';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH_HEADERS, describeSqlite, itSqlite, JSON_AUTH_HEADERS, rawRequest, startTestApi, TEST_TOKEN, type TestApi } from './harness';

/** Sends only the head of a request (no body) and resolves with the first response's status line and body. */
function headOnly(url: string, head: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer before the body was sent'));
    }, 3000);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(data.slice(0, end))?.[1] ?? '0');
      if (data.length - end - 4 < length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(data.split(' ')[1]), text: data.slice(end + 4, end + 4 + length) });
    });
    socket.on('error', reject);
  });
}

describe('HTTP door under hostile input', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a raw body on a JSON route with 415 and a small error, and stores nothing', async () => {
    const before = (await t.client.listMemories()).memories.length;
    const res = await fetch(`${t.api.url}/api/v1/memories`, {
      method: 'POST',
      headers: { ...AUTH_HEADERS, 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(1024 * 1024, 0x61),
    });
    const text = await res.text();
    expect(res.status).toBe(415);
    expect(text.length).toBeLessThan(1000);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect((await t.client.listMemories()).memories.length).toBe(before);
  });

  it('answers 415 for text/plain and for a declared charset other than UTF-8', async () => {
    const plain = await rawRequest(t.api.url, 'POST', '/api/v1/sessions', { body: '{"channel":"api"}', headers: { ...AUTH_HEADERS, 'content-type': 'text/plain' } });
    expect([plain.status, plain.json.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const latin1 = await rawRequest(t.api.url, 'POST', '/api/v1/sessions', {
      body: '{"channel":"api","peerId":"latin1"}',
      headers: { ...AUTH_HEADERS, 'content-type': 'application/json; charset=iso-8859-1' },
    });
    expect([latin1.status, latin1.json.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const { sessions } = await t.client.listSessions();
    expect(sessions.some((s) => s.peerId === 'latin1')).toBe(false);
    const utf8 = await rawRequest(t.api.url, 'POST', '/api/v1/sessions', {
      body: '{"channel":"api","peerId":"utf8"}',
      headers: { ...AUTH_HEADERS, 'content-type': 'application/json; charset=UTF-8' },
    });
    expect(utf8.status).toBe(201);
  });

  it('audio is taken only by the transcription route', async () => {
    const res = await fetch(`${t.api.url}/api/v1/sessions`, { method: 'POST', headers: { ...AUTH_HEADERS, 'content-type': 'audio/ogg' }, body: Buffer.alloc(2048) });
    expect(res.status).toBe(415);
  });

  it('checks the token before reading a body: an unauthenticated 19 MiB upload is refused from its head', async () => {
    const head = (auth: string) =>
      `POST /api/v1/sessions/x/transcriptions HTTP/1.1\r\nHost: localhost\r\n${auth}Content-Type: audio/ogg\r\nContent-Length: ${19 * 1024 * 1024}\r\n\r\n`;
    const res = await headOnly(t.api.url, head(''));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const json = await headOnly(t.api.url, `POST /api/v1/memories HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`);
    expect(json.status).toBe(401);
  });

  it('caps validation errors: thousands of unknown keys give a short list', async () => {
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])));
    const res = await rawRequest(t.api.url, 'POST', '/api/v1/sessions', { body, headers: JSON_AUTH_HEADERS });
    expect(res.status).toBe(400);
    expect(res.text.length).toBeLessThan(2000);
    expect(res.json.error?.code).toBe('VALIDATION_FAILED');
    expect((res.json.error?.details?.issues as unknown[]).length).toBeLessThanOrEqual(5);
  });

  it('answers router-level errors in the documented shape', async () => {
    const bad = await rawRequest(t.api.url, 'GET', '/api/v1/sessions/%zz', { headers: AUTH_HEADERS });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
    const long = await rawRequest(t.api.url, 'GET', `/api/v1/sessions/${'a'.repeat(150)}`, { headers: AUTH_HEADERS });
    expect(long.status).toBe(414);
    expect(long.json).toMatchObject({ error: { code: 'URI_TOO_LONG', message: expect.any(String) } });
    const openai = await rawRequest(t.api.url, 'GET', '/v1/%zz', { headers: AUTH_HEADERS });
    expect(openai.status).toBe(400);
    expect(openai.json).toMatchObject({ error: { message: expect.any(String), type: 'invalid_request_error' } });
  });

  it("answers the HTTP parser's own errors in the documented shape (a head over 16 KiB, a request that is not HTTP)", async () => {
    const big = await rawRequest(t.api.url, 'GET', `/api/v1/usage?from=${'a'.repeat(70_000)}`, { headers: AUTH_HEADERS });
    expect(big.status).toBe(431);
    expect(big.json).toMatchObject({ error: { code: 'HEADERS_TOO_LARGE', message: expect.any(String) } });
    const garbage = await headOnly(t.api.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.text)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  // The modes of the SQLite file and its WAL (PostgreSQL keeps its data in its own cluster).
  itSqlite('keeps the database private: directory 0700, database, WAL and SHM 0600', async () => {
    await t.client.createSession({ channel: 'api', peerId: 'modes' });
    expect(statSync(t.dataDir).mode & 0o777).toBe(0o700);
    for (const name of ['switchboard.sqlite', 'switchboard.sqlite-wal', 'switchboard.sqlite-shm']) {
      expect([name, statSync(join(t.dataDir, name)).mode & 0o777]).toEqual([name, 0o600]);
    }
  });
});

describeSqlite('HTTP door: files from an older install are made private at start', () => {
  it('tightens 0644 database files and a 0755 directory, with a log line', async () => {
    const lines: string[] = [];
    const pino = (await import('pino')).default;
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const first = await startTestApi({ logger });
    await first.client.createSession({ channel: 'api', peerId: 'older-install' });
    await first.api.close();
    chmodSync(first.dataDir, 0o755);
    chmodSync(join(first.dataDir, 'switchboard.sqlite'), 0o644);
    writeFileSync(join(first.dataDir, 'switchboard.sqlite-wal'), '', { mode: 0o644 });
    chmodSync(join(first.dataDir, 'switchboard.sqlite-wal'), 0o644);
    await first.restart();
    try {
      expect(statSync(first.dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(first.dataDir, 'switchboard.sqlite')).mode & 0o777).toBe(0o600);
      expect(lines.some((l) => l.includes('made private'))).toBe(true);
      expect((await first.client.listSessions()).sessions.some((s) => s.peerId === 'older-install')).toBe(true);
    } finally {
      await first.close();
    }
  });
});

describe('HTTP door: rate limits', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ env: { SWITCHBOARD_AUTH_FAILURES_PER_MINUTE: '3', SWITCHBOARD_RATE_LIMIT_PER_MINUTE: '8' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('locks an address out after repeated failed authentications, with Retry-After; health still answers', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await rawRequest(t.api.url, 'GET', '/api/v1/sessions', { headers: { authorization: 'Bearer wrong-token-number-' + i } });
      expect(res.status).toBe(401);
    }
    const res = await fetch(`${t.api.url}/api/v1/sessions`, { headers: { authorization: 'Bearer wrong-token-again' } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // The guessing address gets nothing checked, the right token included, until the window ends.
    expect((await rawRequest(t.api.url, 'GET', '/api/v1/sessions', { headers: AUTH_HEADERS })).status).toBe(429);
    for (let i = 0; i < 12; i++) expect((await rawRequest(t.api.url, 'GET', '/api/v1/health')).status).toBe(200);
  });
});

describe('HTTP door: request rate per token', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ env: { SWITCHBOARD_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers RATE_LIMITED 429 with Retry-After past the limit; the OpenAI door in its own shape', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await rawRequest(t.api.url, 'GET', '/api/v1/sessions', { headers: AUTH_HEADERS })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const res = await fetch(`${t.api.url}/api/v1/sessions`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const openai = await rawRequest(t.api.url, 'POST', '/v1/chat/completions', {
      body: JSON.stringify({ model: 'switchboard', messages: [{ role: 'user', content: 'hi' }] }),
      headers: JSON_AUTH_HEADERS,
    });
    expect(openai.status).toBe(429);
    expect(openai.json).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect((await rawRequest(t.api.url, 'GET', '/api/v1/health')).status).toBe(200);
  });
});
