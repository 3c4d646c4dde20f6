import type { FakeLlmServer } from '@switchboard/tools/fake-llm';
import { rawRequest, startTestApi, TEST_TOKEN, type TestApi } from '../../test/harness';

/** Two OpenAI-compatible providers on the fake LLM, only one with a transcription model, and an Anthropic one. */
function config(fake: FakeLlmServer): Record<string, unknown> {
  return {
    providers: {
      fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY', transcriptionModel: 'whisper-1' },
      fakelocal: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
      fakeanthropic: { type: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'env:FAKE_KEY' },
    },
    models: [
      { id: 'main', provider: 'fake', model: 'fake-main', tier: 'default' },
      { id: 'llama', provider: 'fakelocal', model: 'fake-llama', tier: 'local' },
      { id: 'claude', provider: 'fakeanthropic', model: 'claude-fake', tier: 'complex' },
    ],
    defaultModel: 'main',
  };
}

// An Ogg page header is enough for the SDK to recognise the format.
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(200, 1)]);

describe('voice transcription route (e2e)', () => {
  let t: TestApi;
  const post = (sessionId: string, body: Buffer | string, contentType = 'audio/ogg', token = TEST_TOKEN) =>
    fetch(`${t.api.url}/api/v1/sessions/${sessionId}/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body: body as unknown as BodyInit,
    });

  beforeAll(async () => {
    t = await startTestApi({ config });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.fake.reset());

  it("transcribes with the session's provider and its transcription model", async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'voice-1' });
    t.fake.addRule({ model: 'whisper-1', reply: 'hello from a voice note' });
    const r = await t.client.transcribe(s.id, OGG);
    expect(r).toEqual({
      sessionId: s.id,
      text: 'hello from a voice note',
      modelConfigId: 'main',
      provider: 'fake',
      model: 'whisper-1',
      language: null,
      durationSeconds: null,
    });
    const req = t.fake.requests.at(-1)!;
    expect([req.path, req.body.model]).toEqual(['/v1/audio/transcriptions', 'whisper-1']);
    expect(req.headers.authorization).toBe('Bearer fake-secret-key');
    // Nothing is stored: the transcript is the door's to send.
    expect((await t.client.listMessages(s.id)).messages).toEqual([]);
  });

  it("respects the session's override: a provider without transcription is a clear 422", async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'voice-2' });
    await t.client.setSessionModel(s.id, 'local');
    await expect(t.client.transcribe(s.id, OGG)).rejects.toMatchObject({ status: 422, code: 'TRANSCRIPTION_UNAVAILABLE' });
    await t.client.setSessionModel(s.id, 'claude');
    await expect(t.client.transcribe(s.id, OGG)).rejects.toMatchObject({ status: 422, code: 'TRANSCRIPTION_UNAVAILABLE' });
    expect(t.fake.requests).toHaveLength(0);
    await t.client.clearSessionModel(s.id);
    expect((await t.client.transcribe(s.id, OGG)).provider).toBe('fake');
  });

  it('maps provider failures to PROVIDER_ERROR', async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'voice-3' });
    t.fake.addRule({ model: 'whisper-1', status: 500 });
    await expect(t.client.transcribe(s.id, OGG)).rejects.toMatchObject({ status: 502, code: 'PROVIDER_ERROR' });
  });

  it('rejects bad input with coded 4xx errors', async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'voice-4' });
    const json = await post(s.id, '{"audio":"x"}', 'application/json');
    expect([json.status, (await json.json()).error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const empty = await post(s.id, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    const huge = await post(s.id, Buffer.alloc(20 * 1024 * 1024 + 1));
    expect([huge.status, (await huge.json()).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const missing = await post('nope', OGG);
    expect([missing.status, (await missing.json()).error.code]).toEqual([404, 'SESSION_NOT_FOUND']);
    const anon = await post(s.id, OGG, 'audio/ogg', 'wrong-token-wrong-token');
    expect(anon.status).toBe(401);
    // Raw bodies stay confined to this route: other routes refuse them unread (415).
    const other = await rawRequest(t.api.url, 'POST', `/api/v1/sessions/${s.id}/messages`, {
      body: 'OggS',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'audio/ogg' },
    });
    expect([other.status, other.json.error?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(t.fake.requests).toHaveLength(0);
  });

  it('accepts application/octet-stream and content types with parameters', async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'voice-5' });
    expect((await post(s.id, OGG, 'application/octet-stream')).status).toBe(200);
    expect((await post(s.id, OGG, 'audio/ogg; codecs=opus')).status).toBe(200);
  });
});
