import Database from 'better-sqlite3';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fakeCatalog } from '@switchboard/tools/testing';
import { AUTH_HEADERS, eventually, itSqlite, queryDatabase, rawRequest, startTestApi, TEST_TOKEN, type TestApi } from './harness';

const PATTERN_KEY = 'sk-proj-LeakyKey0123456789abcdefXYZ';
const PLAIN_KEY = 'plain-upstream-secret-42';

/** An OpenAI-compatible upstream that misbehaves: stalls mid-stream, or echoes the key in a 401 like OpenAI does. */
async function startBadUpstream(): Promise<{ server: Server; baseUrl: string; open: Set<ServerResponse> }> {
  const open = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const model = (JSON.parse(body || '{}') as { model?: string }).model;
      if (model === 'stall-model') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (content: string) => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] });
        res.write(`data: ${JSON.stringify(chunk('Partial one. '))}\n\n`);
        res.write(`data: ${JSON.stringify(chunk('Then silence.'))}\n\n`);
        open.add(res); // never ends
        return;
      }
      const presented = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${presented}. You can find your API key in your account.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, open };
}

describe('turns that never end, and errors that leak', () => {
  let t: TestApi;
  let upstream: Awaited<ReturnType<typeof startBadUpstream>>;
  const logs: string[] = [];

  beforeAll(async () => {
    upstream = await startBadUpstream();
    t = await startTestApi({
      config: (fake) =>
        fakeCatalog(fake, {
          providers: {
            fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
            stall: { type: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: 'stall-key-0123456789' },
            leaky: { type: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: PATTERN_KEY },
            leakyplain: { type: 'openai-compatible', baseUrl: upstream.baseUrl, apiKey: PLAIN_KEY },
          },
          models: [
            { id: 'main', provider: 'fake', model: 'fake-main', tier: 'default', label: 'Fake Main' },
            { id: 'stall', provider: 'stall', model: 'stall-model', label: 'Stalls' },
            { id: 'leaky', provider: 'leaky', model: 'leaky-model', label: 'Leaky' },
            { id: 'leakyplain', provider: 'leakyplain', model: 'leaky-model', label: 'Leaky plain' },
          ],
          failover: { retries: 0, streamIdleTimeoutMs: 1000 },
        }),
      env: { LOG_LEVEL: 'debug' },
      logDestination: { write: (line: string) => void logs.push(line) },
    });
  });
  afterAll(async () => {
    for (const res of upstream.open) res.destroy();
    await new Promise((r) => upstream.server.close(r));
    await t.close();
  });

  it('ends a turn whose stream stalls after its first tokens: interrupted, partial kept, a clear event, the queue drains', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'stalled' });
    const first = await t.client.sendMessage(s.id, { text: 'start streaming', model: 'stall' });
    expect(first.queued).toBe(false);
    const second = await t.client.sendMessage(s.id, { text: 'after the stall', model: 'main' });
    expect(second.queued).toBe(true);
    const messages = await eventually(
      async () => (await t.client.listMessages(s.id)).messages,
      (m) => m.some((x) => x.role === 'assistant' && x.content === 'Echo: after the stall' && x.status === 'complete'),
      'the queued message answered after the stall',
    );
    const stalled = messages.find((m) => m.role === 'assistant' && m.modelConfigId === 'stall')!;
    expect(stalled.status).toBe('interrupted');
    expect(stalled.content).toBe('Partial one. Then silence.');
    const event = messages.find((m) => m.kind === 'turn_error')!;
    expect(event.content).toMatch(/cut off.*stalled/);
    expect((await t.client.getSession(s.id)).status).toBe('idle');
  });

  it('never stores or serves a provider key echoed by an upstream error', async () => {
    for (const model of ['leaky', 'leakyplain']) {
      const s = await t.client.createSession({ channel: 'api', peerId: `leak-${model}` });
      const res = await rawRequest(t.api.url, 'POST', `/api/v1/sessions/${s.id}/messages`, {
        body: JSON.stringify({ text: 'hello', model, wait: true }),
        headers: { ...AUTH_HEADERS, 'content-type': 'application/json' },
      });
      const history = await rawRequest(t.api.url, 'GET', `/api/v1/sessions/${s.id}/messages`, { headers: AUTH_HEADERS });
      expect(history.text).toContain('Incorrect API key provided');
      for (const text of [res.text, history.text]) {
        expect(text).not.toContain(PATTERN_KEY);
        expect(text).not.toContain(PLAIN_KEY);
      }
      expect(history.text).toContain('[REDACTED]');
    }
    const stored = JSON.stringify(await queryDatabase(t, `SELECT "content", "event" FROM "messages"`));
    expect(stored).not.toContain(PATTERN_KEY);
    expect(stored).not.toContain(PLAIN_KEY);
    expect(logs.join('\n')).not.toContain(PLAIN_KEY);
    expect(logs.join('\n')).not.toContain(PATTERN_KEY);
  });

  it('redacts a token sent in a query string from the logs', async () => {
    const before = logs.length;
    await rawRequest(t.api.url, 'GET', `/api/v1/sessions?token=${TEST_TOKEN}`, { headers: { authorization: 'Bearer not-the-right-token' } });
    await rawRequest(t.api.url, 'GET', `/api/v1/nowhere?token=another-secret-in-a-url`, { headers: AUTH_HEADERS });
    const lines = logs.slice(before).join('\n');
    expect(lines).toContain('request rejected');
    expect(lines).toContain('token=[REDACTED]');
    expect(lines).not.toContain(TEST_TOKEN);
    expect(lines).not.toContain('another-secret-in-a-url');
  });
});

describe('the end of a turn survives a busy database', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  // SQLite's one write lock, held by another process (SQLITE_BUSY); PostgreSQL's writers wait on row locks instead.
  itSqlite('retries the final write while another process holds the lock, then releases the session and drains the queue', async () => {
    t.fake.addRule({ match: 'slow busy', reply: 'Finished despite the lock.', firstTokenDelayMs: 300 });
    const s = await t.client.createSession({ channel: 'api', peerId: 'busy' });
    const sent = await t.client.sendMessage(s.id, { text: 'slow busy' });
    expect(sent.queued).toBe(false);
    const queued = await t.client.sendMessage(s.id, { text: 'queued behind the lock' });
    expect(queued.queued).toBe(true);
    // An outside writer takes the write lock while the reply streams, and lets go a second later.
    const outside = new Database(join(t.dataDir, 'switchboard.sqlite'));
    outside.exec('BEGIN IMMEDIATE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        outside.exec('COMMIT');
        outside.close();
        resolve();
      }, 1000),
    );
    const messages = await eventually(
      async () => (await t.client.listMessages(s.id)).messages,
      (m) => m.some((x) => x.content === 'Echo: queued behind the lock' && x.status === 'complete'),
      'the queued message answered after the lock',
      30_000,
    );
    await released;
    expect(messages.find((m) => m.role === 'assistant' && m.content === 'Finished despite the lock.')?.status).toBe('complete');
    expect((await t.client.getSession(s.id)).status).toBe('idle');
  }, 40_000);
});
