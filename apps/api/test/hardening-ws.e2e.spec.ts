import WebSocket from 'ws';
import { clientFor, eventually, startTestApi, TEST_TOKEN, type TestApi } from './harness';

/** A raw socket that records the frames it gets and how it closed. */
async function rawSocket(url: string, query = ''): Promise<{ ws: WebSocket; frames: Array<Record<string, unknown>>; closed: Promise<number> }> {
  const ws = new WebSocket(url.replace('http', 'ws') + '/ws' + query);
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

describe('WebSocket door under hostile use', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({
      env: {
        SWITCHBOARD_WS_AUTH_TIMEOUT_MS: '600',
        SWITCHBOARD_WS_MAX_CONNECTIONS: '6',
        SWITCHBOARD_WS_MAX_UNAUTHENTICATED: '2',
        SWITCHBOARD_WS_MAX_SUBSCRIPTIONS: '3',
        SWITCHBOARD_AUTH_FAILURES_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps a socket that authenticated after another frame (the auth timer is cleared by the auth frame)', async () => {
    const s = await rawSocket(t.api.url);
    s.ws.send(JSON.stringify({ id: 1, method: 'models.list', params: {} }));
    s.ws.send(JSON.stringify({ id: 2, method: 'auth', params: { token: TEST_TOKEN } }));
    await eventually(() => s.frames, (f) => f.some((x) => x.id === 2), 'auth answer');
    expect(s.frames.find((x) => x.id === 1)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(s.frames.find((x) => x.id === 2)).toMatchObject({ ok: true });
    // Well past the auth timeout the socket still answers.
    await new Promise((r) => setTimeout(r, 1000));
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.ws.send(JSON.stringify({ id: 3, method: 'models.list', params: {} }));
    await eventually(() => s.frames, (f) => f.some((x) => x.id === 3), 'models answer');
    expect(s.frames.find((x) => x.id === 3)).toMatchObject({ ok: true });
    s.ws.close();
  });

  it('closes a socket that never authenticates', async () => {
    const s = await rawSocket(t.api.url);
    expect(await s.closed).toBe(4401);
  });

  it('caps sockets waiting to authenticate, and all sockets', async () => {
    const waiting = [await rawSocket(t.api.url), await rawSocket(t.api.url)];
    const third = await rawSocket(t.api.url);
    expect(await third.closed).toBe(1013);
    expect(third.frames[0]).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    for (const w of waiting) w.ws.close();
    await Promise.all(waiting.map((w) => w.closed));

    const open = [];
    for (let i = 0; i < 6; i++) open.push(await rawSocket(t.api.url, `?token=${TEST_TOKEN}`));
    const seventh = await rawSocket(t.api.url, `?token=${TEST_TOKEN}`);
    expect(await seventh.closed).toBe(1013);
    for (const o of open) o.ws.close();
    await Promise.all(open.map((o) => o.closed));
    // Room again once they are gone.
    const after = await rawSocket(t.api.url, `?token=${TEST_TOKEN}`);
    after.ws.send(JSON.stringify({ id: 1, method: 'models.list', params: {} }));
    await eventually(() => after.frames, (f) => f.some((x) => x.id === 1), 'answer');
    after.ws.close();
  });

  it('caps subscriptions per connection', async () => {
    const ws = await clientFor(t.api.url).connect();
    for (let i = 0; i < 3; i++) await ws.subscribe();
    await expect(ws.subscribe()).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    ws.close();
  });
});

describe('WebSocket door: failed authentications count per address', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ env: { SWITCHBOARD_AUTH_FAILURES_PER_MINUTE: '2' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the address after the limit, on sockets and HTTP alike', async () => {
    for (let i = 0; i < 2; i++) {
      const s = await rawSocket(t.api.url, '?token=wrong-token-' + i);
      expect(await s.closed).toBe(4401);
    }
    const blocked = await rawSocket(t.api.url, `?token=${TEST_TOKEN}`);
    expect(await blocked.closed).toBe(1008);
    expect(blocked.frames[0]).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    const http = await fetch(`${t.api.url}/api/v1/sessions`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(http.status).toBe(429);
  });
});
