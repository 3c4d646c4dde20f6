import { startFakeLlm, type FakeLlmServer } from './index';

describe('fake-llm token counting, context limits and prompt cache', () => {
  let server: FakeLlmServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const chat = (s: FakeLlmServer, model: string, messages: Array<{ role: string; content: string }>) =>
    fetch(`${s.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages }) });
  const anthropic = (s: FakeLlmServer, model: string, messages: Array<{ role: string; content: string }>) =>
    fetch(`${s.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, max_tokens: 100, messages }) });

  it('counts Chinese with the o200k tokenizer: far more tokens than chars/4', async () => {
    server = await startFakeLlm({ tokenizer: 'o200k', defaultReply: 'ok' });
    const text = '我们明天下午三点在公司楼下的咖啡馆见面，讨论一下新项目的预算和时间安排。';
    const body = await (await chat(server, 'm', [{ role: 'user', content: text }])).json();
    expect(body.usage.prompt_tokens).toBeGreaterThan(Math.ceil(text.length / 4) * 2);
    expect(body.usage.completion_tokens).toBe(1);
  });

  it('refuses a prompt over the model limit with each API\'s context-length error, and serves a shorter one', async () => {
    server = await startFakeLlm({ tokenizer: 'o200k', contextLimit: { small: 40 } });
    const long = [{ role: 'user', content: '这是一个很长的句子。'.repeat(20) }];
    const refused = await chat(server, 'small', long);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toMatch(/^This model's maximum context length is 40 tokens\. However, your messages resulted in \d+ tokens/);
    const refusedA = await anthropic(server, 'small', long);
    expect(refusedA.status).toBe(400);
    expect((await refusedA.json()).error.message).toMatch(/^prompt is too long: \d+ tokens > 40 maximum$/);
    expect((await chat(server, 'other', long)).status).toBe(200);
    expect((await chat(server, 'small', [{ role: 'user', content: 'hi' }])).status).toBe(200);
  });

  it('sends a scripted error message with a status rule', async () => {
    server = await startFakeLlm({ rules: [{ status: 400, errorMessage: 'prompt is too long', times: 1 }] });
    const res = await chat(server, 'm', [{ role: 'user', content: 'x' }]);
    expect((await res.json()).error.message).toBe('prompt is too long');
    expect((await chat(server, 'm', [{ role: 'user', content: 'x' }])).status).toBe(200);
  });

  it('reports the leading messages shared with an earlier request (same model) as cached', async () => {
    server = await startFakeLlm({ tokenizer: 'o200k', promptCache: true, defaultReply: 'ok' });
    const sys = { role: 'system', content: 'You are a helpful assistant. '.repeat(10) };
    const u1 = { role: 'user', content: 'first question about the weather' };
    const first = await (await chat(server, 'm', [sys, u1])).json();
    expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0);
    const second = await (await chat(server, 'm', [sys, u1, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'and tomorrow?' }])).json();
    const sysAndFirst = (await (await chat(server, 'n', [sys, u1])).json()).usage.prompt_tokens;
    expect(second.usage.prompt_tokens_details.cached_tokens).toBe(sysAndFirst);
    // A changed system prompt shares nothing.
    const third = await (await chat(server, 'm', [{ role: 'system', content: 'Other.' }, u1])).json();
    expect(third.usage.prompt_tokens_details.cached_tokens).toBe(0);
    // Anthropic reports reads apart from the uncached input.
    const a = await (await anthropic(server, 'm', [u1, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'again' }])).json();
    expect(a.usage.cache_read_input_tokens).toBe(0);
    const b = await (await anthropic(server, 'm', [u1, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'more' }])).json();
    expect(b.usage.cache_read_input_tokens).toBeGreaterThan(0);
  });
});
