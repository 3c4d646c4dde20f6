import { SwitchboardApiError, type ServerEventMap } from '@switchboard/protocol';
import { clientFor, eventually, lastTurnRequest, rawRequest, startTestApi, TEST_TOKEN, type TestApi, JSON_AUTH_HEADERS } from './harness';

describe('API spine (real HTTP, WebSocket, SQLite and fake LLM)', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.fake.reset());

  it('answers health without a token', async () => {
    const res = await rawRequest(t.api.url, 'GET', '/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok' });
  });

  it('creates a session, streams a reply over the WebSocket and stores it with usage', async () => {
    t.fake.addRule({ match: 'stream please', reply: 'Hello from the fake model, streamed in pieces.', usage: { promptTokens: 21, completionTokens: 9 } });
    const session = await t.client.createSession({ channel: 'api', peerId: 'spine-stream', title: 'Spine' });
    expect(session).toMatchObject({ channel: 'api', peerId: 'spine-stream', status: 'idle', title: 'Spine' });

    const ws = await t.socket();
    const deltas: string[] = [];
    const completed = new Promise<ServerEventMap['message.completed']>((resolve) => {
      ws.on('message.completed', (p) => p.sessionId === session.id && resolve(p));
    });
    ws.on('message.delta', (p) => {
      if (p.sessionId === session.id) deltas.push(p.delta);
    });
    const statuses: string[] = [];
    ws.on('session.updated', (p) => {
      if (p.session.id === session.id) statuses.push(`${p.kind}:${p.session.status}:${p.version}`);
    });
    await ws.subscribe(session.id);
    const sent = await ws.call('session.send', { sessionId: session.id, text: 'stream please' });
    expect(sent.queued).toBe(false);
    expect(sent.message).toMatchObject({ role: 'user', content: 'stream please' });

    const done = await completed;
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello from the fake model, streamed in pieces.');
    expect(done.message).toMatchObject({
      role: 'assistant',
      status: 'complete',
      content: 'Hello from the fake model, streamed in pieces.',
      modelConfigId: 'main',
      modelSource: 'global',
    });
    expect(done.message.usage).toMatchObject({ inputTokens: 21, outputTokens: 9 });
    // price main: 2 in / 8 out per million tokens
    expect(done.message.usage!.costUsd).toBeCloseTo((21 * 2 + 9 * 8) / 1e6, 12);

    const versions = await eventually(() => statuses, (s) => s.some((x) => x.includes(':idle:')), 'idle status event');
    const nums = versions.map((v) => Number(v.split(':')[2]));
    expect([...nums].sort((a, b) => a - b)).toEqual(nums);

    const { messages } = await t.client.listMessages(session.id);
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'stream please'],
      ['assistant', 'Hello from the fake model, streamed in pieces.'],
    ]);
    const upstream = lastTurnRequest(t.fake);
    expect(upstream.model).toBe('fake-main');
    expect(upstream.messages.at(-1)).toEqual({ role: 'user', content: 'stream please' });
  });

  it('returns the completed reply with wait: true over REST', async () => {
    t.fake.addRule({ match: 'wait for it', reply: 'Done waiting.' });
    const s = await t.client.createSession({ peerId: 'spine-wait' });
    const res = await t.client.sendMessage(s.id, { text: 'wait for it', wait: true });
    expect(res.reply).toMatchObject({ role: 'assistant', content: 'Done waiting.', status: 'complete' });
    const after = await t.client.getSession(s.id);
    expect(after).toMatchObject({ status: 'idle', lastModelConfigId: 'main' });
    expect(after.title).toBeTruthy();
  });

  it('get-or-creates a session by channel and peer id', async () => {
    const a = await t.client.createSession({ channel: 'telegram', peerId: '42' });
    const b = await t.client.createSession({ channel: 'telegram', peerId: '42' });
    const c = await t.client.createSession({ channel: 'web', peerId: '42' });
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    const { sessions } = await t.client.listSessions({ channel: 'telegram' });
    expect(sessions.map((s) => s.id)).toContain(a.id);
    expect(sessions.every((s) => s.channel === 'telegram')).toBe(true);
  });

  it('serves the OpenAPI document generated from the schemas', async () => {
    const res = await rawRequest(t.api.url, 'GET', '/api/docs-json');
    expect(res.status).toBe(200);
    const paths = res.json.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/api/v1/sessions', '/api/v1/sessions/{id}/messages', '/api/v1/models', '/api/v1/usage']));
    expect(JSON.stringify(paths['/api/v1/sessions/{id}/messages'].post)).toContain('"text"');
    const html = await rawRequest(t.api.url, 'GET', '/api/docs');
    expect(html.status).toBe(200);
    expect(html.text).toContain('swagger-ui-bundle.js');
  });

  describe('bad input gets a 4xx with a stable code and changes nothing', () => {
    let sessionId: string;
    const auth = JSON_AUTH_HEADERS;
    const snapshot = async () => {
      const { messages } = await t.client.listMessages(sessionId);
      const s = await t.client.getSession(sessionId);
      const { sessions } = await t.client.listSessions();
      return { messages: messages.length, version: s.version, override: s.modelOverride, sessions: sessions.length };
    };

    beforeAll(async () => {
      sessionId = (await t.client.createSession({ peerId: 'bad-input' })).id;
      await t.client.sendMessage(sessionId, { text: 'seed', wait: true });
      // The first exchange is titled in the background after the reply; let that write land
      // first, or it bumps the version in the middle of a case (seen on PostgreSQL).
      await eventually(() => t.client.getSession(sessionId), (s) => s.title !== 'seed', 'the generated title');
    });

    const cases: Array<[string, () => Promise<{ status: number; json: { error?: { code: string } } }>, number, string]> = [
      ['malformed JSON', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": "hi"', headers: auth }), 400, 'INVALID_JSON'],
      ['wrong type for text', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": 42}', headers: auth }), 400, 'VALIDATION_FAILED'],
      ['blank text', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": "   "}', headers: auth }), 400, 'VALIDATION_FAILED'],
      ['unknown field', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": "hi", "evil": true}', headers: auth }), 400, 'VALIDATION_FAILED'],
      ['wrong type for wait', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": "hi", "wait": "yes"}', headers: auth }), 400, 'VALIDATION_FAILED'],
      ['invalid model', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": "hi", "model": "gpt-17"}', headers: auth }), 400, 'INVALID_MODEL'],
      ['unknown session', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/nope/messages`, { body: '{"text": "hi"}', headers: auth }), 404, 'SESSION_NOT_FOUND'],
      ['unknown session (get)', () => rawRequest(t.api.url, 'GET', `/api/v1/sessions/does-not-exist`, { headers: auth }), 404, 'SESSION_NOT_FOUND'],
      ['unknown route', () => rawRequest(t.api.url, 'GET', `/api/v1/nothing-here`, { headers: auth }), 404, 'NOT_FOUND'],
      ['2 MB body', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: JSON.stringify({ text: 'x'.repeat(2 * 1024 * 1024) }), headers: auth }), 413, 'PAYLOAD_TOO_LARGE'],
      ['no token', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": "hi"}', headers: { 'content-type': 'application/json' } }), 401, 'UNAUTHORIZED'],
      ['wrong token', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": "hi"}', headers: { ...auth, authorization: 'Bearer wrong-token-wrong-token' } }), 401, 'UNAUTHORIZED'],
      ['wrong token on list', () => rawRequest(t.api.url, 'GET', `/api/v1/sessions`, { headers: { authorization: 'Bearer nope' } }), 401, 'UNAUTHORIZED'],
      ['not JSON content type', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: 'text=hi', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['bad channel', () => rawRequest(t.api.url, 'POST', `/api/v1/sessions`, { body: '{"channel": "fax"}', headers: auth }), 400, 'VALIDATION_FAILED'],
      ['bad query', () => rawRequest(t.api.url, 'GET', `/api/v1/sessions?limit=abc`, { headers: auth }), 400, 'VALIDATION_FAILED'],
      ['invalid default model', () => rawRequest(t.api.url, 'PUT', `/api/v1/settings/default-model`, { body: '{"model": "nope"}', headers: auth }), 400, 'INVALID_MODEL'],
      ['invalid session model', () => rawRequest(t.api.url, 'PUT', `/api/v1/sessions/${sessionId}/model`, { body: '{"model": "nope"}', headers: auth }), 400, 'INVALID_MODEL'],
      ['unknown queued message', () => rawRequest(t.api.url, 'DELETE', `/api/v1/sessions/${sessionId}/queue/nope`, { headers: auth }), 404, 'QUEUED_MESSAGE_NOT_FOUND'],
    ];

    it.each(cases)('%s', async (_name, call, status, code) => {
      const before = await snapshot();
      const res = await call();
      expect(res.status).toBe(status);
      expect(res.json.error?.code).toBe(code);
      expect(typeof (res.json.error as { message?: string })?.message).toBe('string');
      expect(await snapshot()).toEqual(before);
    });

    it('names the bad field in validation errors', async () => {
      const res = await rawRequest(t.api.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { body: '{"text": 42}', headers: auth });
      expect(res.json.error?.details?.field).toBe('text');
    });

    it('lists what is available on INVALID_MODEL', async () => {
      const err = await t.client.sendMessage(sessionId, { text: 'hi', model: 'gpt-17' }).catch((e) => e);
      expect(err).toBeInstanceOf(SwitchboardApiError);
      expect(err.message).toContain('main');
      expect((err.details.available as Array<{ id: string }>).map((m) => m.id)).toEqual(expect.arrayContaining(['main', 'quick', 'claude']));
    });

    it('rejects WebSocket connections with a wrong token and frames that are not JSON', async () => {
      const bad = clientFor(t.api.url, 'wrong-token-wrong-token');
      const ws = await bad.connect().catch((e) => e);
      // The server accepts the upgrade then closes with 4401; calls fail either way.
      if (!(ws instanceof Error)) {
        const closed = new Promise<number>((r) => ws.onClose(r));
        expect(await closed).toBe(4401);
      }
      const good = await t.socket();
      const frames: unknown[] = [];
      good.onAny((f) => frames.push(f));
      good.sendRaw('{not json');
      await eventually(() => frames, (f) => f.length > 0, 'error frame');
      expect(frames[0]).toMatchObject({ id: null, ok: false, error: { code: 'INVALID_JSON' } });
      await expect(good.call('nope.method' as 'models.list', {})).rejects.toMatchObject({ code: 'METHOD_NOT_FOUND' });
      await expect(good.call('session.send', { sessionId, text: 5 as unknown as string })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(good.call('session.get', { sessionId: 'nope' })).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    });

    it('accepts a first-frame auth on the WebSocket', async () => {
      const anon = clientFor(t.api.url, '');
      const ws = await anon.connect();
      await expect(ws.call('models.list', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(ws.call('auth', { token: TEST_TOKEN })).resolves.toEqual({ ok: true });
      const models = await ws.call('models.list', {});
      expect(models.models.length).toBeGreaterThan(0);
      ws.close();
    });
  });

  it('deletes a session with everything it owns, pushing a `deleted` event', async () => {
    const s = await t.client.createSession({ peerId: 'delete-me' });
    await t.client.sendMessage(s.id, { text: 'soon gone', wait: true });
    await t.client.setSessionModel(s.id, 'quick');
    const ws = await t.socket();
    await ws.subscribe();
    const events: Array<{ kind: string; version: number }> = [];
    ws.on('session.updated', (p) => p.session.id === s.id && events.push({ kind: p.kind, version: p.version }));
    const before = await t.client.getSession(s.id);
    const gone = await t.client.deleteSession(s.id);
    expect(gone.id).toBe(s.id);
    await eventually(() => events, (e) => e.some((x) => x.kind === 'deleted'), 'deleted event');
    expect(events.find((x) => x.kind === 'deleted')!.version).toBeGreaterThan(before.version);
    await expect(t.client.getSession(s.id)).rejects.toMatchObject({ status: 404, code: 'SESSION_NOT_FOUND' });
    await expect(t.client.listMessages(s.id)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await expect(t.client.deleteSession(s.id)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    // Same channel + peer starts afresh: no history, no override.
    const again = await t.client.createSession({ peerId: 'delete-me' });
    expect(again.id).not.toBe(s.id);
    expect(again.modelOverride).toBeNull();
    expect((await t.client.listMessages(again.id)).messages).toHaveLength(0);
  });

  it('keeps history, session config and the default model across a restart', async () => {
    const s = await t.client.createSession({ peerId: 'restart-me' });
    await t.client.sendMessage(s.id, { text: 'remember this', wait: true });
    await t.client.setSessionModel(s.id, 'quick');
    await t.client.setDefaultModel('claude');
    const before = await t.client.listMessages(s.id);

    await t.restart();

    const after = await t.client.getSession(s.id);
    expect(after.modelOverride).toBe('quick');
    expect(after.effectiveModel).toMatchObject({ modelConfigId: 'quick', source: 'session' });
    expect(after.lastModelConfigId).toBe('main');
    expect((await t.client.listModels()).defaultModel).toMatchObject({ modelConfigId: 'claude', source: 'global' });
    expect((await t.client.listMessages(s.id)).messages).toEqual(before.messages);
    await t.client.setDefaultModel('main');
  });
});
