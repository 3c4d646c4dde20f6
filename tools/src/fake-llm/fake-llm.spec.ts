import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { startFakeLlm, type FakeLlmServer } from './index';

interface SseEvent {
  event?: string;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const ev: SseEvent = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) ev.event = line.slice(7);
        else if (line.startsWith('data: ')) ev.data += line.slice(6);
      }
      return ev;
    });
}

/** Reads a body until it ends or the connection drops; reports which. */
async function readAll(res: Response): Promise<{ text: string; failed: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, failed: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, failed: true };
  }
}

function openAiContent(events: SseEvent[]): string {
  return events
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data))
    .map((c) => c.choices[0]?.delta?.content ?? '')
    .join('');
}

function anthropicContent(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => JSON.parse(e.data).delta.text)
    .join('');
}

describe('fake-llm server', () => {
  let server: FakeLlmServer;

  const chat = (body: object, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const messages = (body: object, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeEach(async () => {
    server = await startFakeLlm();
  });
  describe('image and file parts', () => {
    const b64 = Buffer.from('hello image').toString('base64');
    it('records OpenAI image_url and file parts and Anthropic image and document blocks, decoded', async () => {
      await chat({
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${b64}` } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
              { type: 'file', file: { file_data: `data:application/pdf;base64,${b64}`, filename: 'r.pdf' } },
            ],
          },
        ],
      });
      const openai = server.requests.at(-1)!.messages[0];
      expect(openai.content).toBe('look');
      expect(openai.files).toEqual([
        { kind: 'image', mediaType: 'image/png', bytes: 11, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
        { kind: 'image', mediaType: null, bytes: 0, sha256: null, url: 'https://example.com/cat.png' },
        { kind: 'file', mediaType: 'application/pdf', bytes: 11, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), filename: 'r.pdf' },
      ]);
      await messages({
        model: 'claude',
        max_tokens: 10,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: b64 } },
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: b64 } },
              { type: 'text', text: 'and this' },
            ],
          },
        ],
      });
      expect(server.requests.at(-1)!.messages[0].files).toEqual([
        expect.objectContaining({ kind: 'image', mediaType: 'image/jpeg', bytes: 11 }),
        expect.objectContaining({ kind: 'file', mediaType: 'application/pdf', bytes: 11 }),
      ]);
    });

    it('answers a malformed part with 400, as a provider would', async () => {
      const res = await chat({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,plain' } }] }] });
      expect(res.status).toBe(400);
      expect(server.requests.at(-1)!.invalid).toMatch(/base64 data URL/);
      const res2 = await messages({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }] });
      expect(res2.status).toBe(400);
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it('exposes url and baseUrl without trailing slash', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.baseUrl).toBe(`${server.url}/v1`);
  });

  describe('OpenAI chat completions', () => {
    it('answers non-streaming with an echo reply and computed usage', async () => {
      const res = await chat({
        model: 'fake-model',
        messages: [
          { role: 'system', content: 'be brief' }, // 8 chars
          { role: 'user', content: [{ type: 'text', text: 'hello ' }, { type: 'text', text: 'there' }] }, // 11 chars
        ],
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = await res.json();
      expect(body).toMatchObject({
        object: 'chat.completion',
        model: 'fake-model',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: hello there' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, prompt_tokens_details: { cached_tokens: 0 } },
      });
      expect(typeof body.id).toBe('string');
      expect(typeof body.created).toBe('number');
    });

    it('streams role chunk, content chunks, finish chunk, usage chunk and [DONE]', async () => {
      server.addRule({ reply: 'abcdefghijklmnopqrstu', usage: { promptTokens: 7, completionTokens: 3, cachedTokens: 2 } });
      const res = await chat({
        model: 'fake-model',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = parseSse(await res.text());
      expect(events[events.length - 1].data).toBe('[DONE]');
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
      for (const c of chunks) {
        expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'fake-model', id: chunks[0].id });
        expect(typeof c.created).toBe('number');
      }
      expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
      const contentChunks = chunks.slice(1, -2);
      expect(contentChunks.map((c) => c.choices[0].delta.content)).toEqual(['abcdefgh', 'ijklmnop', 'qrstu']);
      expect(openAiContent(events)).toBe('abcdefghijklmnopqrstu');
      expect(chunks[chunks.length - 2].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      expect(chunks[chunks.length - 1]).toMatchObject({
        choices: [],
        usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10, prompt_tokens_details: { cached_tokens: 2 } },
      });
    });

    it('sends the usage chunk when stream_options is absent but not when include_usage is false', async () => {
      const withDefault = parseSse(await (await chat({ model: 'm', stream: true, messages: [] })).text());
      expect(withDefault.some((e) => e.data !== '[DONE]' && JSON.parse(e.data).usage)).toBe(true);
      const optedOut = parseSse(
        await (await chat({ model: 'm', stream: true, stream_options: { include_usage: false }, messages: [] })).text(),
      );
      expect(optedOut.some((e) => e.data !== '[DONE]' && JSON.parse(e.data).usage)).toBe(false);
      expect(optedOut[optedOut.length - 1].data).toBe('[DONE]');
    });

    it('honours chunkSize', async () => {
      await server.close();
      server = await startFakeLlm({ chunkSize: 3, defaultReply: 'abcdefg' });
      const events = parseSse(await (await chat({ model: 'm', stream: true, messages: [] })).text());
      const deltas = events
        .slice(1, -3)
        .map((e) => JSON.parse(e.data).choices[0].delta.content);
      expect(deltas).toEqual(['abc', 'def', 'g']);
    });
  });

  describe('rules', () => {
    const replyOf = async (model: string, text: string) =>
      (await (await chat({ model, messages: [{ role: 'user', content: text }] })).json()).choices[0].message.content;

    it('matches by model (string or RegExp) and by last user message text', async () => {
      server.addRule({ model: 'gpt-a', reply: 'model A' });
      server.addRule({ model: /^claude-/, reply: 'a claude' });
      server.addRule({ match: 'weather', reply: 'sunny' });
      server.addRule({ match: /^\d+$/, reply: (req) => `number ${req.messages[0].content}` });
      expect(await replyOf('gpt-a', 'weather?')).toBe('model A');
      expect(await replyOf('gpt-ab', 'anything')).toBe('Echo: anything'); // model match is exact
      expect(await replyOf('claude-3', 'x')).toBe('a claude');
      expect(await replyOf('other', 'the weather today')).toBe('sunny');
      expect(await replyOf('other', '42')).toBe('number 42');
      // Only the LAST user message counts.
      const res = await chat({
        model: 'other',
        messages: [
          { role: 'user', content: 'weather' },
          { role: 'assistant', content: 'sunny' },
          { role: 'user', content: 'thanks' },
        ],
      });
      expect((await res.json()).choices[0].message.content).toBe('Echo: thanks');
    });

    it('stops applying a rule after `times` uses', async () => {
      server.addRule({ reply: 'first', times: 2 });
      server.addRule({ reply: 'then' });
      expect(await replyOf('m', 'a')).toBe('first');
      expect(await replyOf('m', 'a')).toBe('first');
      expect(await replyOf('m', 'a')).toBe('then');
    });

    it('checks prepended rules first, and clearRules/reset remove them', async () => {
      server.addRule({ reply: 'added' });
      server.prependRule({ reply: 'prepended' });
      expect(await replyOf('m', 'a')).toBe('prepended');
      server.clearRules();
      expect(await replyOf('m', 'a')).toBe('Echo: a');
      server.addRule({ reply: 'again' });
      const requests = server.requests;
      server.reset();
      expect(requests).toHaveLength(0);
      expect(await replyOf('m', 'b')).toBe('Echo: b');
      expect(requests).toHaveLength(1);
    });

    it('uses a custom defaultReply', async () => {
      await server.close();
      server = await startFakeLlm({ defaultReply: (req) => `model=${req.model}`, rules: [{ match: 'x', reply: 'X' }] });
      expect(await replyOf('m1', 'hello')).toBe('model=m1');
      expect(await replyOf('m1', 'x')).toBe('X');
    });
  });

  describe('error injection', () => {
    it('injects a 500 with an OpenAI error body, once', async () => {
      server.addRule({ status: 500, times: 1 });
      const res = await chat({ model: 'm', stream: true, messages: [{ role: 'user', content: 'a' }] });
      expect(res.status).toBe(500);
      const body = await res.json();
      expect(body.error).toMatchObject({ type: 'server_error' });
      expect(typeof body.error.message).toBe('string');
      expect((await chat({ model: 'm', messages: [{ role: 'user', content: 'a' }] })).status).toBe(200);
    });

    it('injects a 429 with Retry-After: 1', async () => {
      server.addRule({ status: 429 });
      const res = await chat({ model: 'm', messages: [] });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).error).toMatchObject({ code: 'rate_limit_exceeded' });
    });

    it('uses the Anthropic error shape on /v1/messages', async () => {
      server.addRule({ status: 429 });
      const res = await messages({ model: 'claude-x', max_tokens: 10, messages: [] });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    });

    it('disconnects mid-stream after exactly disconnectAfterChars characters', async () => {
      server.addRule({ reply: 'abcdefghijklmnopqrstuvwxyz', disconnectAfterChars: 10 });
      const res = await chat({ model: 'm', stream: true, messages: [] });
      expect(res.status).toBe(200);
      const { text, failed } = await readAll(res);
      expect(failed).toBe(true);
      const events = parseSse(text);
      expect(events.some((e) => e.data === '[DONE]')).toBe(false);
      expect(openAiContent(events)).toBe('abcdefghij');
    });

    it('disconnects an Anthropic stream too, and a non-streaming request before any response', async () => {
      server.addRule({ reply: 'abcdefghijklmnopqrstuvwxyz', disconnectAfterChars: 3 });
      const res = await messages({ model: 'c', stream: true, max_tokens: 5, messages: [] });
      const { text, failed } = await readAll(res);
      expect(failed).toBe(true);
      expect(anthropicContent(parseSse(text))).toBe('abc');
      expect(text).not.toContain('message_stop');
      await expect(chat({ model: 'm', messages: [] })).rejects.toThrow();
    });
  });

  describe('Anthropic messages', () => {
    it('answers non-streaming with a message object; system becomes a system message', async () => {
      server.addRule({ match: 'hi', reply: 'Hello!', usage: { promptTokens: 12, completionTokens: 4, cachedTokens: 5 } });
      const res = await messages({
        model: 'claude-x',
        max_tokens: 100,
        system: [{ type: 'text', text: 'sys one' }, { type: 'text', text: 'sys two' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [{ type: 'text', text: 'Hello!' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        // Anthropic input_tokens excludes cache reads.
        usage: { input_tokens: 7, output_tokens: 4, cache_read_input_tokens: 5, cache_creation_input_tokens: 0 },
      });
      expect(server.requests[0]).toMatchObject({
        api: 'anthropic',
        path: '/v1/messages',
        model: 'claude-x',
        stream: false,
        messages: [
          { role: 'system', content: 'sys one\nsys two' },
          { role: 'user', content: 'hi' },
        ],
      });
    });

    it('streams the Anthropic event sequence', async () => {
      server.addRule({ reply: 'Hello there, world' });
      const res = await messages({
        model: 'claude-x',
        stream: true,
        max_tokens: 100,
        system: 'be nice', // 7 chars
        messages: [{ role: 'user', content: 'hey' }], // 3 chars
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = parseSse(await res.text());
      expect(events.map((e) => e.event)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
      const start = JSON.parse(events[0].data);
      expect(start.message).toMatchObject({ role: 'assistant', model: 'claude-x', content: [], usage: { input_tokens: 3 } });
      expect(JSON.parse(events[1].data)).toMatchObject({ index: 0, content_block: { type: 'text', text: '' } });
      expect(JSON.parse(events[2].data)).toMatchObject({ index: 0, delta: { type: 'text_delta', text: 'Hello th' } });
      expect(anthropicContent(events)).toBe('Hello there, world');
      expect(JSON.parse(events[6].data)).toMatchObject({
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 5 },
      });
    });
  });

  describe('other endpoints', () => {
    it('lists models', async () => {
      await server.close();
      server = await startFakeLlm({ models: ['a', 'b'] });
      const body = await (await fetch(`${server.baseUrl}/models`)).json();
      expect(body.object).toBe('list');
      expect(body.data.map((m: { id: string }) => m.id)).toEqual(['a', 'b']);
      expect(body.data[0]).toMatchObject({ object: 'model', owned_by: 'fake' });
      expect(typeof body.data[0].created).toBe('number');
    });

    it('lists fake-model by default', async () => {
      const body = await (await fetch(`${server.baseUrl}/models`)).json();
      expect(body.data).toEqual([expect.objectContaining({ id: 'fake-model' })]);
    });

    it('answers transcriptions with the first matching rule reply or a default, recording the model', async () => {
      const upload = () => {
        const form = new FormData();
        form.append('model', 'whisper-1');
        form.append('file', new Blob([new Uint8Array([0, 1, 2, 255, 13, 10])], { type: 'audio/ogg' }), 'voice.ogg');
        return fetch(`${server.baseUrl}/audio/transcriptions`, { method: 'POST', body: form });
      };
      expect(await (await upload()).json()).toEqual({ text: 'fake transcript' });
      server.addRule({ model: 'whisper-1', reply: 'hello from audio' });
      expect(await (await upload()).json()).toEqual({ text: 'hello from audio' });
      expect(server.requests).toHaveLength(2);
      expect(server.requests[0]).toMatchObject({ api: 'openai', path: '/v1/audio/transcriptions', model: 'whisper-1' });
      expect(server.requests[0].bytes).toBeGreaterThan(6);
    });

    it('returns 404 JSON for unknown routes and 400 JSON for malformed bodies', async () => {
      const notFound = await fetch(`${server.url}/v2/whatever`);
      expect(notFound.status).toBe(404);
      expect((await notFound.json()).error.message).toContain('/v2/whatever');
      const badOpenAi = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{nope' });
      expect(badOpenAi.status).toBe(400);
      expect((await badOpenAi.json()).error.type).toBe('invalid_request_error');
      const badAnthropic = await fetch(`${server.baseUrl}/messages`, { method: 'POST', body: '[1,' });
      expect(badAnthropic.status).toBe(400);
      expect(await badAnthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('recording and auth', () => {
    it('records every completion request in order with body, headers and byte size', async () => {
      const first = JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'héllo' }] });
      await fetch(`${server.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-trace': 't1' },
        body: first,
      });
      server.addRule({ status: 500 });
      await messages({ model: 'm2', stream: true, messages: [] });
      expect(server.requests).toHaveLength(2);
      expect(server.requests[0]).toMatchObject({
        api: 'openai',
        path: '/v1/chat/completions',
        model: 'm1',
        stream: false,
        messages: [{ role: 'user', content: 'héllo' }],
        bytes: Buffer.byteLength(first),
        body: JSON.parse(first),
      });
      expect(server.requests[0].bytes).toBe(first.length + 1); // é is two bytes in UTF-8
      expect(server.requests[0].headers['x-trace']).toBe('t1');
      expect(server.requests[1]).toMatchObject({ api: 'anthropic', model: 'm2', stream: true });
    });

    it('enforces apiKey per API style with 401', async () => {
      await server.close();
      server = await startFakeLlm({ apiKey: 'secret' });
      const body = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
      expect((await chat(body)).status).toBe(401);
      expect((await chat(body, { authorization: 'Bearer wrong' })).status).toBe(401);
      const ok = await chat(body, { authorization: 'Bearer secret' });
      expect(ok.status).toBe(200);
      // Anthropic uses x-api-key, not Authorization.
      const denied = await messages(body, { authorization: 'Bearer secret' });
      expect(denied.status).toBe(401);
      expect((await denied.json()).error.type).toBe('authentication_error');
      expect((await messages(body, { 'x-api-key': 'secret' })).status).toBe(200);
      expect((await fetch(`${server.baseUrl}/models`)).status).toBe(401);
      expect((await fetch(`${server.baseUrl}/models`, { headers: { 'x-api-key': 'secret' } })).status).toBe(200);
    });
  });

  describe('latency', () => {
    it('waits firstTokenMs before the first content and chunkMs between chunks', async () => {
      server.setLatency('slow', { firstTokenMs: 150, chunkMs: 50 });
      server.addRule({ reply: 'x'.repeat(24) }); // 3 chunks
      const t0 = Date.now();
      const res = await chat({ model: 'slow', stream: true, messages: [] });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      let firstContentAt = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (!firstContentAt && text.includes('xxxxxxxx')) firstContentAt = Date.now() - t0;
      }
      const total = Date.now() - t0;
      expect(firstContentAt).toBeGreaterThanOrEqual(140);
      expect(total).toBeGreaterThanOrEqual(240);
      expect(openAiContent(parseSse(text))).toBe('x'.repeat(24));

      // Other models fall back to '*', then to 0.
      const t1 = Date.now();
      await (await chat({ model: 'fast', stream: true, messages: [] })).text();
      expect(Date.now() - t1).toBeLessThan(140);
    });

    it('applies per-rule delays and the same total wait to non-streaming replies', async () => {
      await server.close();
      server = await startFakeLlm({ latency: { '*': { firstTokenMs: 5000 } } });
      server.addRule({ reply: 'abcdefghij', firstTokenDelayMs: 100, chunkDelayMs: 60 }); // 2 chunks
      const t0 = Date.now();
      const body = await (await chat({ model: 'm', messages: [] })).json();
      const elapsed = Date.now() - t0;
      expect(body.choices[0].message.content).toBe('abcdefghij');
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(2000);
    });

    it('close() is prompt even with a slow stream in flight', async () => {
      server.setLatency('*', { firstTokenMs: 20_000 });
      const res = await chat({ model: 'm', stream: true, messages: [] });
      const reading = readAll(res);
      const t0 = Date.now();
      await server.close();
      expect(Date.now() - t0).toBeLessThan(1000);
      expect((await reading).failed).toBe(true);
    });
  });

  describe('real AI SDK providers', () => {
    it('@ai-sdk/openai-compatible streams the scripted text and usage', async () => {
      server.addRule({
        model: 'fake-model',
        reply: 'Hello from the fake OpenAI-compatible server!',
        usage: { promptTokens: 11, completionTokens: 9, cachedTokens: 3 },
      });
      const model = createOpenAICompatible({ name: 'fake', baseURL: server.baseUrl, apiKey: 'k', includeUsage: true })(
        'fake-model',
      );
      const r = streamText({ model, prompt: 'hi' });
      let t = '';
      for await (const d of r.textStream) t += d;
      const u = await r.usage;
      expect(t).toBe('Hello from the fake OpenAI-compatible server!');
      expect(u.inputTokens).toBe(11);
      expect(u.outputTokens).toBe(9);
      expect(u.inputTokenDetails.cacheReadTokens).toBe(3);
      expect(await r.finishReason).toBe('stop');
      expect(server.requests[0]).toMatchObject({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      expect(server.requests[0].headers['authorization']).toBe('Bearer k');
    });

    it('@ai-sdk/anthropic streams the scripted text and usage', async () => {
      server.addRule({
        model: 'claude-x',
        reply: 'Hello from the fake Anthropic server!',
        usage: { promptTokens: 13, completionTokens: 8, cachedTokens: 4 },
      });
      const model = createAnthropic({ baseURL: server.baseUrl, apiKey: 'k' })('claude-x');
      const r = streamText({ model, system: 'sys', prompt: 'hi', maxOutputTokens: 100 }); // unknown model: silences a warning
      let t = '';
      for await (const d of r.textStream) t += d;
      const u = await r.usage;
      expect(t).toBe('Hello from the fake Anthropic server!');
      expect(u.inputTokens).toBe(13);
      expect(u.outputTokens).toBe(8);
      expect(u.inputTokenDetails.cacheReadTokens).toBe(4);
      expect(await r.finishReason).toBe('stop');
      expect(server.requests[0]).toMatchObject({
        api: 'anthropic',
        path: '/v1/messages',
        stream: true,
        messages: [
          { role: 'system', content: 'sys' },
          { role: 'user', content: 'hi' },
        ],
      });
      expect(server.requests[0].headers['x-api-key']).toBe('k');
    });

    it('the AI SDK retries an injected 429 after Retry-After and then succeeds', async () => {
      server.addRule({ status: 429, times: 1 });
      server.addRule({ reply: 'after retry' });
      const model = createOpenAICompatible({ name: 'fake', baseURL: server.baseUrl, apiKey: 'k', includeUsage: true })('m');
      const r = streamText({ model, prompt: 'hi' });
      let t = '';
      for await (const d of r.textStream) t += d;
      expect(t).toBe('after retry');
      expect(server.requests).toHaveLength(2);
    });

    it('the AI SDK surfaces a mid-stream disconnect as a thrown stream error after the partial text', async () => {
      server.addRule({ reply: 'partial reply that never finishes', disconnectAfterChars: 8 });
      const models = [
        createAnthropic({ baseURL: server.baseUrl, apiKey: 'k' })('claude-x'),
        createOpenAICompatible({ name: 'fake', baseURL: server.baseUrl, apiKey: 'k' })('m'),
      ];
      for (const model of models) {
        const r = streamText({ model, prompt: 'hi', maxOutputTokens: 100 });
        let t = '';
        let thrown: unknown;
        try {
          for await (const d of r.textStream) t += d;
        } catch (err) {
          thrown = err;
        }
        expect(t).toBe('partial ');
        expect(String(thrown)).toContain('Failed to process successful response');
      }
    });
  });
});
