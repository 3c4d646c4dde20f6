import { eventually, rawRequest, startTestApi, testConfig, TEST_TOKEN, type TestApi } from './harness';

/** The value of one series in the exposition text (undefined when absent). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics (e2e)', () => {
  let t: TestApi;
  const scrape = async (): Promise<string> => {
    const res = await rawRequest(t.api.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text;
  };

  beforeAll(async () => {
    t = await startTestApi({
      config: (fake) => {
        const config = testConfig(fake) as { models: Array<Record<string, unknown>> };
        // `main` falls back to `quick` when it fails.
        config.models = config.models.map((m) => (m.id === 'main' ? { ...m, fallbacks: ['quick'] } : m));
        return config;
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.fake.reset());

  it('is protected like the API: 401 with the usual error body without a valid token', async () => {
    const none = await rawRequest(t.api.url, 'GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/Missing API token/) });
    const wrong = await rawRequest(t.api.url, 'GET', '/metrics', { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect([wrong.status, wrong.json.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(none.text).not.toContain('switchboard_');

    const ok = await fetch(`${t.api.url}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await ok.text();
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(body).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    expect(body).toContain('# TYPE switchboard_turns_total counter');
    // Not under /api/v1.
    expect((await rawRequest(t.api.url, 'GET', '/api/v1/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(404);
  });

  it('counts turns, latency, tokens and cost by model after two turns', async () => {
    t.fake.addRule({ match: 'metered', usage: { promptTokens: 21, completionTokens: 9, cachedTokens: 4 } });
    const session = await t.client.createSession({ channel: 'api', peerId: 'metrics-turns' });
    const first = await t.client.sendMessage(session.id, { text: 'metered one', model: 'quick', wait: true });
    const second = await t.client.sendMessage(session.id, { text: 'metered two', wait: true });
    expect([first.reply!.modelConfigId, second.reply!.modelConfigId]).toEqual(['quick', 'quick']);
    expect(first.reply!.usage).toMatchObject({ inputTokens: 21, outputTokens: 9, cachedTokens: 4 });

    const out = await scrape();
    expect(value(out, 'switchboard_turns_total{model="quick",status="complete"}')).toBe(2);
    expect(value(out, 'switchboard_turns_total{model="main",status="complete"}')).toBeUndefined();
    expect(value(out, 'switchboard_turn_duration_seconds_count{model="quick"}')).toBe(2);
    expect(value(out, 'switchboard_turn_duration_seconds_sum{model="quick"}')).toBeGreaterThan(0);
    expect(value(out, 'switchboard_tokens_total{model="quick",role="primary",kind="input"}')).toBe(42);
    expect(value(out, 'switchboard_tokens_total{model="quick",role="primary",kind="output"}')).toBe(18);
    expect(value(out, 'switchboard_tokens_total{model="quick",role="primary",kind="cached"}')).toBe(8);
    const usage = await t.client.getUsage(session.id);
    expect(usage.primary.costUsd).toBeGreaterThan(0);
    expect(value(out, 'switchboard_cost_usd_total{model="quick",role="primary"}')).toBeCloseTo(usage.primary.costUsd, 12);
    expect(value(out, 'switchboard_turns_in_flight')).toBe(0);
  });

  it('counts the tokens and cost of stateless OpenAI-door calls too (no conversation, no turn events)', async () => {
    t.fake.addRule({ match: 'stateless metered', usage: { promptTokens: 30, completionTokens: 5 } });
    const before = value(await scrape(), 'switchboard_tokens_total{model="llama",role="primary",kind="input"}') ?? 0;
    const res = await rawRequest(t.api.url, 'POST', '/v1/chat/completions', {
      body: JSON.stringify({ model: 'llama', messages: [{ role: 'user', content: 'stateless metered' }] }),
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    const out = await scrape();
    expect(value(out, 'switchboard_tokens_total{model="llama",role="primary",kind="input"}')).toBe(before + 30);
    expect(value(out, 'switchboard_tokens_total{model="llama",role="primary",kind="output"}')).toBeGreaterThanOrEqual(5);
  });

  it('shows queued messages and turns in flight', async () => {
    t.fake.addRule({ match: 'hold the line', reply: 'held', firstTokenDelayMs: 800 });
    const session = await t.client.createSession({ channel: 'api', peerId: 'metrics-queue' });
    await t.client.sendMessage(session.id, { text: 'hold the line' });
    await t.client.sendMessage(session.id, { text: 'queued one' });
    await t.client.sendMessage(session.id, { text: 'queued two' });
    const busy = await scrape();
    expect(value(busy, 'switchboard_queue_depth')).toBe(2);
    expect(value(busy, 'switchboard_turns_in_flight')).toBe(1);
    const idle = await eventually(scrape, (out) => value(out, 'switchboard_queue_depth') === 0 && value(out, 'switchboard_turns_in_flight') === 0, 'the queue to drain');
    expect(value(idle, 'switchboard_turns_total{model="main",status="complete"}')).toBe(3);
  });

  it('counts provider errors and fallbacks', async () => {
    t.fake.addRule({ match: 'explode', status: 400 });
    const broken = await t.client.createSession({ channel: 'api', peerId: 'metrics-error' });
    const failed = await t.client.sendMessage(broken.id, { text: 'explode now', model: 'local', wait: true });
    expect(failed.reply!.status).toBe('error');
    const afterError = await eventually(scrape, (out) => value(out, 'switchboard_provider_errors_total{model="llama"}') === 1, 'the provider error');
    expect(value(afterError, 'switchboard_turns_total{model="llama",status="error"}')).toBe(1);

    t.fake.addRule({ model: 'fake-main', match: 'fall back please', status: 500 });
    const session = await t.client.createSession({ channel: 'api', peerId: 'metrics-fallback' });
    const reply = (await t.client.sendMessage(session.id, { text: 'fall back please', wait: true })).reply!;
    expect(reply).toMatchObject({ status: 'complete', modelConfigId: 'quick' });
    const out = await eventually(scrape, (o) => value(o, 'switchboard_fallbacks_total{from="main",to="quick"}') === 1, 'the fallback');
    expect(value(out, 'switchboard_provider_errors_total{model="main"}')).toBeUndefined();
  });
});
