import OpenAI from 'openai';
import { fakeCatalog } from '@switchboard/tools/testing';
import { EventHub } from '../src/engine/event-hub';
import { JSON_AUTH_HEADERS, TEST_TOKEN, eventually, queryDatabase, rawRequest, startTestApi, type TestApi } from './harness';

/*
 * The OpenAI-compatible door, driven by the official `openai` SDK (v6) against the real API and
 * the fake LLM: what the client gets, and what the provider behind us received.
 */

let t: TestApi;
let openai: OpenAI;

beforeAll(async () => {
  // No retries: a failing provider fails at once (the error tests stay fast).
  t = await startTestApi({ config: (fake) => fakeCatalog(fake, { failover: { retries: 0, baseDelayMs: 0 } }) });
  openai = new OpenAI({ baseURL: `${t.api.url}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
});
afterAll(() => t.close());
beforeEach(() => t.fake.reset());
// A failed test must not leave its watch tracking on the hub.
afterEach(() => jest.restoreAllMocks());

/** Completion requests for turns (delegated side work such as titles is filtered out). */
function turnCalls() {
  return t.fake.requests.filter((r) => !/title|Summarise|extract/i.test(r.messages[0]?.content ?? '') || r.body.tools);
}

function usageRows(): Promise<Array<{ session_id: string | null; channel: string | null; person: string | null; model_config_id: string; role: string }>> {
  return queryDatabase(t, `SELECT session_id, channel, person, model_config_id, role FROM usage_records ORDER BY created_at`);
}

/**
 * The watches of one session opened on the hub from now on, and how many are still open. Not
 * `hub.hasWatchers`: with a cluster relay (PostgreSQL) it is always true, as other replicas may watch.
 */
function trackWatches(hub: EventHub) {
  const open = new Map<string, number>();
  const watch = hub.watch.bind(hub);
  jest.spyOn(hub, 'watch').mockImplementation((sessionId, listener, events) => {
    const key = sessionId ?? '*';
    open.set(key, (open.get(key) ?? 0) + 1);
    const unwatch = watch(sessionId, listener, events);
    let closed = false;
    return () => {
      if (!closed) open.set(key, open.get(key)! - 1);
      closed = true;
      unwatch();
    };
  });
  return { openOn: (sessionId: string) => open.get(sessionId) ?? 0, opened: (sessionId: string) => open.has(sessionId) };
}

/** The text of an SSE body's content deltas. */
function contentOf(sse: string): string {
  return sse
    .split('\n\n')
    .filter((f) => f.startsWith('data: {'))
    .map((f) => (JSON.parse(f.slice(6)) as OpenAI.ChatCompletionChunk).choices[0]?.delta.content ?? '')
    .join('');
}

async function sessionCount(): Promise<number> {
  return (await t.client.listSessions()).sessions.length;
}

describe('GET /v1/models', () => {
  it('lists every enabled catalog model plus switchboard in OpenAI list format, with the token', async () => {
    const page = await openai.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(['switchboard', 'main', 'quick', 'claude', 'llama', 'tiny']);
    for (const m of page.data) expect(m).toEqual({ id: m.id, object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
    expect(page.data.find((m) => m.id === 'claude')?.owned_by).toBe('fakeanthropic');

    expect(await openai.models.retrieve('quick')).toMatchObject({ id: 'quick', object: 'model' });
    const missing = await openai.models.retrieve('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });

    expect((await rawRequest(t.api.url, 'GET', '/v1/models')).status).toBe(401);
  });

  it('is documented in the OpenAPI document with the chat route', async () => {
    const doc = await rawRequest(t.api.url, 'GET', '/api/docs-json', { headers: JSON_AUTH_HEADERS });
    const paths = doc.json.paths as Record<string, Record<string, { summary?: string }>>;
    expect(paths['/v1/models'].get.summary).toMatch(/OpenAI list format/);
    expect(paths['/v1/models/{id}'].get).toBeDefined();
    expect(paths['/v1/chat/completions'].post.summary).toMatch(/stateless without X-Session-Key/);
  });
});

describe('stateless mode (no X-Session-Key)', () => {
  it('sends the whole conversation and the options to the provider, stores no session, and records usage for the person', async () => {
    const before = await sessionCount();
    const usageBefore = (await t.client.getUsageReport({ channel: 'api' })).total.calls;
    const res = await openai.chat.completions.create({
      model: 'quick',
      user: 'alice@example.com',
      messages: [
        { role: 'system', content: 'You answer like a pirate.' },
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Ahoy Ada!' },
        { role: 'user', content: 'What is my name?' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 77,
      stop: ['END'],
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { name: { type: 'string' } } }, strict: true } },
      logprobs: false,
    });
    expect(res.object).toBe('chat.completion');
    expect(res.model).toBe('quick');
    expect(res.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Echo: What is my name?' } });
    expect(res.usage?.prompt_tokens).toBeGreaterThan(0);

    const sent = turnCalls().at(-1)!;
    expect(sent.model).toBe('fake-quick');
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    // Our system prompt rules first, then the client's system prompt.
    expect(sent.messages[0].content).toMatch(/^You are Switchboard[\s\S]*You answer like a pirate\.$/);
    expect(sent.messages.slice(1).map((m) => m.content)).toEqual(['My name is Ada.', 'Ahoy Ada!', 'What is my name?']);
    expect(sent.body).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 77,
      stop: ['END'],
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { name: { type: 'string' } } } } },
    });
    expect(sent.body.logprobs).toBeUndefined();
    // Read-only server tools only; nothing that needs a stored conversation.
    expect((sent.body.tools as Array<{ function: { name: string } }>).map((x) => x.function.name).sort()).toEqual(['current_time', 'memory_search']);

    expect(await sessionCount()).toBe(before);
    const report = await t.client.getUsageReport({ channel: 'api' });
    expect(report.total.calls).toBe(usageBefore + 1);
    expect(report.byModel.quick.calls).toBeGreaterThanOrEqual(1);
    expect(report.sessions).toEqual([]);
    expect((await usageRows()).at(-1)).toEqual({ session_id: null, channel: 'api', person: 'alice@example.com', model_config_id: 'quick', role: 'primary' });
  });

  it('keeps context across calls the client makes (multi-turn), JSON mode included', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'first' }];
    const a = await openai.chat.completions.create({ model: 'switchboard', messages, response_format: { type: 'json_object' } });
    expect(a.model).toBe('main');
    messages.push(a.choices[0].message as OpenAI.ChatCompletionMessageParam, { role: 'user', content: 'second' });
    const b = await openai.chat.completions.create({ model: 'switchboard', messages });
    expect(b.choices[0].message.content).toBe('Echo: second');
    const [first, second] = turnCalls().slice(-2);
    expect(first.body.response_format).toEqual({ type: 'json_object' });
    expect(second.messages.slice(1)).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Echo: first' },
      { role: 'user', content: 'second' },
    ]);
  });

  it('streams like OpenAI: one model name on every chunk, the usage chunk only when asked for', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt',
      messages: [{ role: 'user', content: 'stream me a fairly long answer please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(new Set(chunks.map((c) => c.model))).toEqual(new Set(['main']));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Echo: stream me a fairly long answer please');
    const withFinish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(withFinish.map((c) => c.choices[0].finish_reason)).toEqual(['stop']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(last.usage!.total_tokens).toBe(last.usage!.prompt_tokens + last.usage!.completion_tokens);

    const plain = await openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'no usage' }], stream: true });
    const plainChunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of plain) plainChunks.push(c);
    expect(plainChunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true);
    expect(plainChunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });

  it('returns client tool calls (not streamed and streamed) and takes the tool results back', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    ];
    t.fake.addRule({ match: 'weather', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }], times: 2 });
    t.fake.addRule({ reply: (req) => `It is ${req.messages.find((m) => m.role === 'tool')?.content ?? '?'} there.` });

    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await openai.chat.completions.create({ model: 'main', messages, tools, tool_choice: 'auto' });
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(first.choices[0].message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    const offered = turnCalls().at(-1)!.body;
    // Only the client's tools: server-side tools are off so the client owns the loop.
    expect(offered.tools.map((x: { function: { name: string } }) => x.function.name)).toEqual(['get_weather']);
    expect(offered.tool_choice).toBe('auto');

    // The same call streamed: the tool calls arrive as deltas with finish_reason tool_calls.
    const stream = await openai.chat.completions.create({ model: 'main', messages, tools, stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');

    messages.push(first.choices[0].message as OpenAI.ChatCompletionMessageParam, { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21°C' });
    const second = await openai.chat.completions.create({ model: 'main', messages, tools });
    expect(second.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'It is sunny, 21°C there.' } });
    const followUp = turnCalls().at(-1)!.body.messages as Array<Record<string, unknown>>;
    expect(followUp.slice(1)).toEqual([
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21°C' },
    ]);
  });

  it('answers an error before the first byte as an HTTP error in OpenAI shape, and a cut stream with an error event', async () => {
    t.fake.addRule({ match: 'explode', status: 400 });
    const early = await openai.chat.completions
      .create({ model: 'quick', messages: [{ role: 'user', content: 'explode' }], stream: true })
      .then(async (s) => {
        for await (const c of s) void c;
      })
      .catch((e: unknown) => e);
    expect(early).toBeInstanceOf(OpenAI.APIError);
    expect((early as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((early as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'api_error', code: 'provider_error' });

    t.fake.addRule({ match: 'cut', reply: 'This answer will be cut somewhere in the middle of it.', disconnectAfterChars: 20 });
    const seen: string[] = [];
    const cut = await openai.chat.completions
      .create({ model: 'quick', messages: [{ role: 'user', content: 'cut' }], stream: true })
      .then(async (s) => {
        for await (const c of s) seen.push(c.choices[0]?.delta.content ?? '');
      })
      .catch((e: unknown) => e);
    expect(seen.join('')).toBe('This answer will be ');
    expect(cut).toBeInstanceOf(OpenAI.APIError);
    expect((cut as Error).message).toMatch(/model call failed/);
  });

  it('rejects bad requests with 400 in OpenAI shape before calling any model', async () => {
    const before = t.fake.requests.length;
    const bad = await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const badTemp = await rawRequest(t.api.url, 'POST', '/v1/chat/completions', {
      headers: JSON_AUTH_HEADERS,
      body: JSON.stringify({ model: 'main', messages: [{ role: 'user', content: 'hi' }], temperature: 7 }),
    });
    expect([badTemp.status, (badTemp.json.error as unknown as { param: string }).param]).toEqual([400, 'temperature']);
    expect(t.fake.requests.length).toBe(before);
  });
});

describe('conversation mode (X-Session-Key)', () => {
  it('keeps the conversation server-side: the last user message is the turn, earlier turns come from history', async () => {
    const key = `conv-${Date.now()}`;
    const conv = new OpenAI({ baseURL: `${t.api.url}/v1`, apiKey: TEST_TOKEN, maxRetries: 0, defaultHeaders: { 'X-Session-Key': key } });
    await conv.chat.completions.create({ model: 'switchboard', messages: [{ role: 'user', content: 'remember the word kiwi' }] });
    const stream = await conv.chat.completions.create({ model: 'switchboard', messages: [{ role: 'user', content: 'which word?' }], stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Echo: which word?');
    expect(new Set(chunks.map((c) => c.model))).toEqual(new Set(['main']));
    const sent = turnCalls().filter((r) => r.body.tools).at(-1)!;
    expect(sent.messages.slice(1).map((m) => m.content)).toEqual(['remember the word kiwi', 'Echo: remember the word kiwi', 'which word?']);
    const sessions = (await t.client.listSessions({ channel: 'api' })).sessions.filter((s) => s.peerId === key);
    expect(sessions).toHaveLength(1);
  });

  it('refuses client tools and unknown models with 400 and creates no session', async () => {
    const key = `refused-${Date.now()}`;
    const conv = new OpenAI({ baseURL: `${t.api.url}/v1`, apiKey: TEST_TOKEN, maxRetries: 0, defaultHeaders: { 'X-Session-Key': key } });
    const withTools = await conv.chat.completions
      .create({ model: 'main', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] })
      .catch((e: unknown) => e);
    expect(withTools).toBeInstanceOf(OpenAI.BadRequestError);
    expect((withTools as Error).message).toMatch(/stateless mode/);
    for (const stream of [false, true]) {
      const unknown = await conv.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }], stream }).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
    }
    expect((await t.client.listSessions({ channel: 'api' })).sessions.filter((s) => s.peerId === key)).toEqual([]);
  });

  it('forwards the options in conversation mode to that message\'s turn only, kept with it while it queues', async () => {
    const key = `opts-${Date.now()}`;
    const headers = { ...JSON_AUTH_HEADERS, 'x-session-key': key };
    t.fake.addRule({ match: 'slow opts', reply: 'slow answer', firstTokenDelayMs: 800 });
    const post = (body: Record<string, unknown>) => fetch(`${t.api.url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 'main', ...body }) });
    const first = post({ temperature: 0.25, seed: 7, messages: [{ role: 'user', content: 'slow opts' }] });
    await eventually(async () => (await t.client.listSessions({ channel: 'api' })).sessions.find((s) => s.peerId === key && s.status === 'running'), Boolean, 'the first turn to run');
    const queued = post({ temperature: 0.9, max_tokens: 33, stop: ['END'], messages: [{ role: 'user', content: 'queued opts' }] });
    expect((await first).status).toBe(200);
    expect((await queued).status).toBe(200);
    const plain = await post({ messages: [{ role: 'user', content: 'no opts' }] });
    expect(plain.status).toBe(200);
    const sent = (text: string) => turnCalls().filter((r) => r.body.tools && r.messages.at(-1)?.content === text).at(-1)!.body;
    expect(sent('slow opts')).toMatchObject({ temperature: 0.25, seed: 7 });
    expect(sent('queued opts')).toMatchObject({ temperature: 0.9, max_tokens: 33, stop: ['END'] });
    expect(sent('no opts').temperature).toBeUndefined();
    expect(sent('no opts').seed).toBeUndefined();
  });

  it('ends a stream whose queued message is deleted with a clear error, and leaves no watcher behind', async () => {
    const key = `queued-${Date.now()}`;
    const watches = trackWatches(t.api.app.get(EventHub));
    t.fake.addRule({ match: 'slow', reply: 'slow answer', firstTokenDelayMs: 1500 });
    const headers = { ...JSON_AUTH_HEADERS, 'x-session-key': key };
    const running = fetch(`${t.api.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'main', stream: true, messages: [{ role: 'user', content: 'slow one' }] }),
    });
    const session = await eventually(
      async () => (await t.client.listSessions({ channel: 'api' })).sessions.find((s) => s.peerId === key && s.status === 'running'),
      Boolean,
      'the first turn to run',
    );
    const queuedReq = fetch(`${t.api.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'main', stream: true, messages: [{ role: 'user', content: 'queued one' }] }),
    });
    const queue = await eventually(() => t.client.listQueue(session!.id), (q) => q.queue.length === 1, 'the message to queue');
    await t.client.deleteQueued(session!.id, queue.queue[0].id);
    const res = await queuedReq;
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'queued_message_not_found', message: expect.stringMatching(/deleted/) } });
    // The turn that ran is untouched: its stream ends normally.
    const sse = await (await running).text();
    expect(contentOf(sse)).toBe('slow answer');
    expect(sse).toMatch(/"finish_reason":"stop"[\s\S]*data: \[DONE\]\n\n$/);
    expect(watches.opened(session!.id)).toBe(true);
    await eventually(async () => watches.openOn(session!.id), (n) => n === 0, 'the watchers to be removed');
  });

  it('removes its watcher when the client disconnects mid-stream (the turn goes on and is stored)', async () => {
    const key = `gone-${Date.now()}`;
    const watches = trackWatches(t.api.app.get(EventHub));
    t.fake.addRule({ match: 'long', reply: 'x'.repeat(400), chunkDelayMs: 20 });
    const abort = new AbortController();
    const res = await fetch(`${t.api.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...JSON_AUTH_HEADERS, 'x-session-key': key },
      body: JSON.stringify({ model: 'main', stream: true, messages: [{ role: 'user', content: 'long one' }] }),
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    const session = (await t.client.listSessions({ channel: 'api' })).sessions.find((s) => s.peerId === key)!;
    expect(watches.openOn(session.id)).toBe(1);
    abort.abort();
    await eventually(async () => watches.openOn(session.id), (n) => n === 0, 'the watcher to go with the client');
    const messages = await eventually(
      async () => (await t.client.listMessages(session.id)).messages,
      (m) => m.some((x) => x.role === 'assistant' && x.status === 'complete'),
      'the turn to finish',
    );
    expect(messages.find((x) => x.role === 'assistant')!.content).toBe('x'.repeat(400));
  });
});


