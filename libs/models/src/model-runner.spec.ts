import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { ErrorCode } from '@switchboard/protocol';
import { loadConfig, type LoadedConfig } from './load-config';
import { ModelCatalog } from './model-catalog';
import { ModelRunner } from './model-runner';
import type { RunResult } from './run-events';
import { ProviderCallError } from './provider-call-error';
import { createLanguageModel } from './providers/provider-registry';
import { estimateTokens } from './tokens';

const LONG_REPLY = 'The quick brown fox jumps over the lazy dog. '.repeat(8).trim();

let fake: FakeLlmServer;

beforeAll(async () => {
  fake = await startFakeLlm({ chunkSize: 5, apiKey: 'test-key' });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

/** A config with one OpenAI-compatible and one Anthropic provider, both pointing at the fake server. */
function configFor(baseUrl: string): LoadedConfig {
  return loadConfig({
    env: { FAKE_KEY: 'test-key' },
    fileText: JSON.stringify({
      providers: {
        fake: { type: 'openai-compatible', baseUrl, apiKey: 'env:FAKE_KEY', headers: { 'X-Switchboard-Test': 'yes' } },
        claude: { type: 'anthropic', baseUrl, apiKey: 'env:FAKE_KEY' },
      },
      models: [
        { id: 'main', provider: 'fake', model: 'gpt-fake', tier: 'default', price: { input: 2, output: 8, cachedInput: 0.5 } },
        { id: 'sonnet', provider: 'claude', model: 'claude-sonnet-4-5', tier: 'complex', price: { input: 3, output: 15, cachedInput: 0.3 } },
        { id: 'demo', provider: 'offline', model: 'switchboard-offline', tier: 'local' },
      ],
    }),
  });
}

function runnerFor(baseUrl = fake.baseUrl, fetchImpl?: typeof fetch): ModelRunner {
  const config = configFor(baseUrl);
  return new ModelRunner({ config, catalog: new ModelCatalog(config), ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

async function failure(run: Promise<unknown>): Promise<ProviderCallError> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderCallError);
    return error as ProviderCallError;
  }
  throw new Error('expected the call to fail');
}

const ask = (text: string) => [{ role: 'user' as const, content: text }];

describe('ModelRunner.stream over an OpenAI-compatible provider', () => {
  it('streams deltas in order and returns text, usage and cost from the price', async () => {
    fake.addRule({ reply: LONG_REPLY, usage: { promptTokens: 1000, completionTokens: 100, cachedTokens: 400 } });
    const deltas: string[] = [];
    const result = await runnerFor().stream({
      modelConfigId: 'main',
      system: 'Be brief.',
      messages: [...ask('first'), { role: 'assistant', content: 'ok' }, ...ask('tell me about foxes')],
      onDelta: (d) => deltas.push(d),
    });

    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(LONG_REPLY);
    expect(result).toEqual<RunResult>({
      text: LONG_REPLY,
      usage: { inputTokens: 1000, outputTokens: 100, cachedTokens: 400 },
      // (600 * 2 + 400 * 0.5 + 100 * 8) / 1e6
      costUsd: 0.0022,
      finishReason: 'stop',
      aborted: false,
      usageEstimated: false,
      parts: [{ type: 'text', text: LONG_REPLY }],
      steps: 1,
    });

    const [request] = fake.requests;
    expect(request).toMatchObject({ api: 'openai', model: 'gpt-fake', stream: true });
    expect(request!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'tell me about foxes' },
    ]);
    expect(request!.headers['authorization']).toBe('Bearer test-key');
    expect(request!.headers['x-switchboard-test']).toBe('yes');
    expect(request!.body.stream_options).toEqual({ include_usage: true });
  });

  it('passes maxOutputTokens and never retries', async () => {
    fake.addRule({ status: 503 });
    await failure(runnerFor().stream({ modelConfigId: 'main', messages: ask('hi'), maxOutputTokens: 42 }));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body.max_tokens).toBe(42);
  });
});

describe('ModelRunner.stream over an Anthropic provider', () => {
  it('streams deltas in order and counts cached input inside input tokens', async () => {
    fake.addRule({ reply: LONG_REPLY, usage: { promptTokens: 2000, completionTokens: 50, cachedTokens: 1500 } });
    const deltas: string[] = [];
    const result = await runnerFor().stream({
      modelConfigId: 'sonnet',
      system: 'Be brief.',
      messages: ask('foxes?'),
      onDelta: (d) => deltas.push(d),
    });

    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(LONG_REPLY);
    expect(result.text).toBe(LONG_REPLY);
    expect(result.usage).toEqual({ inputTokens: 2000, outputTokens: 50, cachedTokens: 1500 });
    // (500 * 3 + 1500 * 0.3 + 50 * 15) / 1e6
    expect(result.costUsd).toBe(0.0027);
    expect(result.finishReason).toBe('stop');
    const [request] = fake.requests;
    expect(request).toMatchObject({ api: 'anthropic', model: 'claude-sonnet-4-5', stream: true, path: '/v1/messages' });
    expect(request!.headers['x-api-key']).toBe('test-key');
    expect(request!.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'foxes?' },
    ]);
  });

  it('maps an Anthropic 529 overload to a retryable error', async () => {
    fake.addRule({ status: 529 });
    const error = await failure(runnerFor().stream({ modelConfigId: 'sonnet', messages: ask('hi') }));
    expect(error).toMatchObject({ status: 529, retryable: true, modelConfigId: 'sonnet' });
  });
});

describe('ModelRunner.stream with the offline model', () => {
  it('answers without any network call', async () => {
    const noNetwork = (() => {
      throw new Error('the offline model must not use the network');
    }) as unknown as typeof fetch;
    const deltas: string[] = [];
    const messages = ask('Hello, is anyone there?');
    const result = await runnerFor(fake.baseUrl, noNetwork).stream({ modelConfigId: 'demo', system: 'sys', messages, onDelta: (d) => deltas.push(d) });

    expect(fake.requests).toHaveLength(0);
    expect(deltas.length).toBeGreaterThan(10);
    expect(deltas.join('')).toBe(result.text);
    expect(result.text).toContain("Switchboard's offline demo model");
    expect(result.text).toContain('"Hello, is anyone there?"');
    expect(result.text).toContain('OPENAI_API_KEY');
    expect(result.usage).toEqual({
      inputTokens: estimateTokens('sys\nHello, is anyone there?'),
      outputTokens: estimateTokens(result.text),
      cachedTokens: 0,
    });
    expect(result).toMatchObject({ costUsd: 0, finishReason: 'stop', aborted: false, usageEstimated: false });
  });

  it('also answers through generate()', async () => {
    const result = await runnerFor().generate({ modelConfigId: 'demo', messages: ask('what is 6*7?') });
    expect(result.text).toMatch(/^6 \* 7 = 42\./);
    expect(result.finishReason).toBe('stop');
  });
});

describe('ModelRunner.stream: abort', () => {
  it('resolves with the partial text and aborted: true', async () => {
    fake.addRule({ reply: LONG_REPLY, chunkDelayMs: 15 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const result = await runnerFor().stream({
      modelConfigId: 'main',
      messages: ask('long story please'),
      abortSignal: controller.signal,
      onDelta: (d) => {
        deltas.push(d);
        if (deltas.length === 3) controller.abort();
      },
    });

    expect(result.aborted).toBe(true);
    expect(result.finishReason).toBe('aborted');
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.text.length).toBeLessThan(LONG_REPLY.length);
    expect(LONG_REPLY.startsWith(result.text)).toBe(true);
    expect(result.text).toBe(deltas.join(''));
    // The provider sent no usage for a cut stream: estimated, and priced.
    expect(result.usageEstimated).toBe(true);
    expect(result.usage.outputTokens).toBe(estimateTokens(result.text));
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it('resolves as aborted when the signal fires before the first token', async () => {
    fake.addRule({ reply: LONG_REPLY, firstTokenDelayMs: 2000 });
    const controller = new AbortController();
    const run = runnerFor().stream({ modelConfigId: 'main', messages: ask('hi'), abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const result = await run;
    expect(result).toMatchObject({ aborted: true, text: '' });
  });
});

describe('ModelRunner.stream: first-token timeout', () => {
  it('rejects with a retryable timeout when no token comes in time', async () => {
    fake.addRule({ reply: LONG_REPLY, firstTokenDelayMs: 2000 });
    const started = performance.now();
    const error = await failure(runnerFor().stream({ modelConfigId: 'main', messages: ask('hi'), firstTokenTimeoutMs: 60 }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no first token after 60 ms/);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('a user abort before the first token is an abort, not a timeout', async () => {
    fake.addRule({ reply: LONG_REPLY, firstTokenDelayMs: 2000 });
    const controller = new AbortController();
    const run = runnerFor().stream({ modelConfigId: 'main', messages: ask('hi'), abortSignal: controller.signal, firstTokenTimeoutMs: 1000 });
    setTimeout(() => controller.abort(), 30);
    expect(await run).toMatchObject({ aborted: true, text: '' });
  });

  it('a signal aborted before the call still stops it', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runnerFor().stream({ modelConfigId: 'main', messages: ask('hi'), abortSignal: controller.signal, firstTokenTimeoutMs: 1000 });
    expect(result).toMatchObject({ aborted: true, text: '' });
  });

  it('once tokens flow, the timeout no longer applies and a user abort keeps the partial text', async () => {
    // 45 chunks 30 ms apart: the reply streams for over a second.
    fake.addRule({ reply: LONG_REPLY, chunkDelayMs: 30 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const started = Date.now();
    const result = await runnerFor().stream({
      modelConfigId: 'main',
      messages: ask('hi'),
      abortSignal: controller.signal,
      // Generous, so a loaded machine still sees the first token in time.
      firstTokenTimeoutMs: 400,
      onDelta: (d) => {
        deltas.push(d);
        // Well past the timeout, tokens still flow: only the user's abort ends it.
        if (Date.now() - started >= 700 && !controller.signal.aborted) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.text).toBe(deltas.join(''));
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });
});

describe('ModelRunner.stream: timeouts and callback errors', () => {
  it('rejects with a retryable error when a timeout signal fires, keeping the partial text', async () => {
    fake.addRule({ reply: LONG_REPLY, chunkDelayMs: 40 });
    // Fires as AbortSignal.timeout() does (a TimeoutError reason), after three deltas however loaded the machine is.
    const controller = new AbortController();
    let deltas = 0;
    const onDelta = () => {
      if (++deltas === 3) controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    };
    const error = await failure(runnerFor().stream({ modelConfigId: 'main', messages: ask('hi'), abortSignal: controller.signal, onDelta }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/timed out/);
    expect(error.partialText.length).toBeGreaterThan(0);
    expect(LONG_REPLY.startsWith(error.partialText)).toBe(true);
  });

  it('rethrows an error thrown by onDelta as is', async () => {
    fake.addRule({ reply: LONG_REPLY });
    const bug = new RangeError('consumer bug');
    await expect(
      runnerFor().stream({
        modelConfigId: 'main',
        messages: ask('hi'),
        onDelta: () => {
          throw bug;
        },
      }),
    ).rejects.toBe(bug);
  });
});

describe('ModelRunner.stream: provider failures', () => {
  it.each([
    [500, true],
    [502, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
  ])('HTTP %i → ProviderCallError with retryable %s', async (status, retryable) => {
    fake.addRule({ status });
    const error = await failure(runnerFor().stream({ modelConfigId: 'main', messages: ask('hi') }));
    expect(error).toMatchObject({ status, retryable, modelConfigId: 'main', partialText: '' });
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.code).toBe(status === 429 ? ErrorCode.RATE_LIMITED : ErrorCode.PROVIDER_ERROR);
  });

  it('reports a real bad API key as a non-retryable 401', async () => {
    const config = loadConfig({
      env: {},
      fileText: JSON.stringify({
        providers: { fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'wrong' } },
        models: [{ id: 'main', provider: 'fake', model: 'gpt-fake' }],
      }),
    });
    const runner = new ModelRunner({ config, catalog: new ModelCatalog(config) });
    const error = await failure(runner.stream({ modelConfigId: 'main', messages: ask('hi') }));
    expect(error).toMatchObject({ status: 401, retryable: false });
  });

  it('keeps the partial text of a stream cut mid-way and marks it retryable', async () => {
    fake.addRule({ reply: LONG_REPLY, disconnectAfterChars: 23 });
    const deltas: string[] = [];
    const error = await failure(runnerFor().stream({ modelConfigId: 'main', messages: ask('hi'), onDelta: (d) => deltas.push(d) }));
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.partialText).toBe(LONG_REPLY.slice(0, 23));
    expect(deltas.join('')).toBe(error.partialText);
  });

  it('keeps the partial text of a cut Anthropic stream too', async () => {
    fake.addRule({ reply: LONG_REPLY, disconnectAfterChars: 12 });
    const error = await failure(runnerFor().stream({ modelConfigId: 'sonnet', messages: ask('hi') }));
    expect(error).toMatchObject({ retryable: true, partialText: LONG_REPLY.slice(0, 12) });
  });

  it('treats a refused connection as retryable', async () => {
    const gone = await startFakeLlm();
    const deadUrl = gone.baseUrl;
    await gone.close();
    const error = await failure(runnerFor(deadUrl).stream({ modelConfigId: 'main', messages: ask('hi') }));
    expect(error).toMatchObject({ retryable: true, partialText: '' });
    expect(error.status).toBeUndefined();
  });
});

describe('ModelRunner.stream: errors streamed inside a 200 response', () => {
  /** A fetch that answers every call with this SSE body: the real provider code parses it. */
  const sse = (body: string) =>
    (async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })) as unknown as typeof fetch;

  it('turns an Anthropic overloaded_error event into a retryable error keeping the partial text', async () => {
    const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const body =
      event('message_start', {
        message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 0 } },
      }) +
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Half an ' } }) +
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'answer' } }) +
      event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
    const deltas: string[] = [];
    const error = await failure(runnerFor(fake.baseUrl, sse(body)).stream({ modelConfigId: 'sonnet', messages: ask('hi'), onDelta: (d) => deltas.push(d) }));
    expect(error).toMatchObject({ status: 529, retryable: true, partialText: 'Half an answer' });
    expect(error.message).toContain('Overloaded');
    expect(deltas).toEqual(['Half an ', 'answer']);
  });

  it('turns an OpenAI-style error chunk into a ProviderCallError', async () => {
    const chunk = (delta: object) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-fake', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
    const body =
      chunk({ role: 'assistant', content: 'Par' }) +
      chunk({ content: 'tial' }) +
      `data: ${JSON.stringify({ error: { message: 'The server had an error', type: 'server_error', code: null } })}\n\n` +
      'data: [DONE]\n\n';
    const error = await failure(runnerFor(fake.baseUrl, sse(body)).stream({ modelConfigId: 'main', messages: ask('hi') }));
    expect(error).toMatchObject({ retryable: true, partialText: 'Partial' });
    expect(error.message).toContain('The server had an error');
  });
});

describe('ModelRunner.generate', () => {
  it('returns the whole reply with usage and cost', async () => {
    fake.addRule({ reply: 'Summary: foxes jump.', usage: { promptTokens: 300, completionTokens: 20 } });
    const result = await runnerFor().generate({ modelConfigId: 'main', system: 'Summarise.', messages: ask('text...') });
    expect(result).toEqual<RunResult>({
      text: 'Summary: foxes jump.',
      usage: { inputTokens: 300, outputTokens: 20, cachedTokens: 0 },
      costUsd: 0.00076,
      finishReason: 'stop',
      aborted: false,
      usageEstimated: false,
      parts: [{ type: 'text', text: 'Summary: foxes jump.' }],
      steps: 1,
    });
    expect(fake.requests[0]!.stream).toBe(false);
  });

  it('throws ProviderCallError for HTTP errors', async () => {
    fake.addRule({ status: 429 });
    const error = await failure(runnerFor().generate({ modelConfigId: 'sonnet', messages: ask('hi') }));
    expect(error).toMatchObject({ status: 429, retryable: true, partialText: '' });
  });
});

describe('createLanguageModel', () => {
  it('builds each model once per config and fetch', () => {
    const config = configFor(fake.baseUrl);
    const first = createLanguageModel(config, 'main');
    expect(createLanguageModel(config, 'main')).toBe(first);
    expect(createLanguageModel(config, 'sonnet')).not.toBe(first);
    expect(createLanguageModel(configFor(fake.baseUrl), 'main')).not.toBe(first);
    expect(first).toMatchObject({ specificationVersion: 'v3', modelId: 'gpt-fake' });
    expect(createLanguageModel(config, 'demo')).toMatchObject({ specificationVersion: 'v3', provider: 'offline' });
  });

  it('rejects an unknown model config id', () => {
    expect(() => createLanguageModel(configFor(fake.baseUrl), 'nope')).toThrow(/Unknown model config id "nope"/);
  });
});

describe('ModelRunner with files', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  const pdf = Buffer.from('%PDF-1.4\n%fake\n', 'latin1');
  function runnerWith(inputs: Record<string, string[]>): ModelRunner {
    const base = configFor(fake.baseUrl);
    const config = { ...base, models: base.models.map((m) => ({ ...m, input: (inputs[m.id] ?? ['text']) as typeof m.input })) };
    return new ModelRunner({ config, catalog: new ModelCatalog(config) });
  }

  it('sends images and PDFs as the provider reads them: OpenAI image_url and file parts, Anthropic image and document blocks, files before the text', async () => {
    const runner = runnerWith({ main: ['text', 'image', 'pdf'], sonnet: ['text', 'image', 'pdf'] });
    const messages = [{ role: 'user' as const, content: 'What is this?', files: [{ mediaType: 'image/png', data: png, name: 'a.png' }, { mediaType: 'application/pdf', data: pdf, name: 'b.pdf' }] }];
    await runner.stream({ modelConfigId: 'main', messages });
    const openai = fake.requests.at(-1)!;
    expect(openai.body.messages.at(-1).content.map((p: { type: string }) => p.type)).toEqual(['image_url', 'file', 'text']);
    expect(openai.messages.at(-1)!.files).toEqual([
      expect.objectContaining({ kind: 'image', mediaType: 'image/png', bytes: png.length }),
      expect.objectContaining({ kind: 'file', mediaType: 'application/pdf', bytes: pdf.length, filename: 'b.pdf' }),
    ]);
    await runner.stream({ modelConfigId: 'sonnet', messages });
    const anthropic = fake.requests.at(-1)!;
    expect(anthropic.body.messages.at(-1).content.map((p: { type: string }) => p.type)).toEqual(['image', 'document', 'text']);
  });

  it('gives a model that cannot read a file its text (a PDF\'s extracted text) or a note naming it: never a silent drop', async () => {
    const runner = runnerWith({ main: ['text'] });
    await runner.stream({
      modelConfigId: 'main',
      messages: [
        {
          role: 'user',
          content: 'Compare',
          files: [
            { mediaType: 'image/png', data: png, name: 'a.png' },
            { mediaType: 'application/pdf', data: pdf, name: 'b.pdf', text: 'Revenue grew.' },
            { mediaType: 'application/pdf', data: pdf, name: 'scan.pdf' },
          ],
        },
      ],
    });
    const sent = fake.requests.at(-1)!;
    expect(sent.messages.at(-1)!.files).toBeUndefined();
    const parts = sent.body.messages.at(-1).content.map((p: { text: string }) => p.text);
    expect(parts).toEqual([
      '[An image was attached here (a.png, image/png); this model cannot read it.]',
      '<file name="b.pdf" type="application/pdf">\nRevenue grew.\n</file>',
      '[A file was attached here (scan.pdf, application/pdf); this model cannot read it.]',
      'Compare',
    ]);
  });
});
