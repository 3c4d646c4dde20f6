import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { FailoverRunner } from './failover-runner';
import { loadConfig } from './load-config';
import { ModelCatalog } from './model-catalog';
import { ModelRunner } from './model-runner';
import { isProviderCallError } from './provider-call-error';

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function setup(settings: Partial<{ retries: number; failureThreshold: number; cooldownMs: number }> = {}, clock = { now: 0 }) {
  const config = loadConfig({
    env: {},
    fileText: JSON.stringify({
      providers: { fake: { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'k' } },
      models: [
        { id: 'a', provider: 'fake', model: 'model-a', tier: 'default', fallbacks: ['b', 'c'] },
        { id: 'b', provider: 'fake', model: 'model-b' },
        { id: 'c', provider: 'fake', model: 'model-c' },
      ],
      failover: { retries: 1, baseDelayMs: 1, maxDelayMs: 2, failureThreshold: 2, cooldownMs: 1000, ...settings },
    }),
  });
  const catalog = new ModelCatalog(config);
  const runner = new FailoverRunner(new ModelRunner({ config, catalog }), catalog, config.failover, () => clock.now);
  return { runner, clock };
}
const ask = [{ role: 'user' as const, content: 'hi' }];
const callsTo = (model: string) => fake.requests.filter((r) => r.model === model).length;

describe('FailoverRunner', () => {
  it('retries a transient error on the same model and succeeds', async () => {
    fake.addRule({ model: 'model-a', status: 500, times: 1 });
    const { runner } = setup();
    const r = await runner.stream({ modelConfigId: 'a', messages: ask });
    expect(r).toMatchObject({ modelConfigId: 'a', attempts: 2, fallbacks: [], text: 'Echo: hi' });
  });

  it('falls back through the chain after retries, reporting each switch', async () => {
    fake.addRule({ model: 'model-a', status: 429 });
    fake.addRule({ model: 'model-b', status: 502 });
    const notices: string[] = [];
    const { runner } = setup();
    const r = await runner.stream({ modelConfigId: 'a', messages: ask, onFallback: (n) => notices.push(`${n.from}->${n.to}`) });
    expect(r.modelConfigId).toBe('c');
    expect(notices).toEqual(['a->b', 'b->c']);
    expect([callsTo('model-a'), callsTo('model-b'), callsTo('model-c')]).toEqual([2, 2, 1]);
  });

  it("records each provider's last failure and success (what Settings shows)", async () => {
    fake.addRule({ model: 'model-a', status: 401, times: 1 });
    const clock = { now: 5000 };
    const { runner } = setup({}, clock);
    expect(runner.providerStatus.get('fake')).toBeNull();
    await runner.stream({ modelConfigId: 'a', messages: ask });
    expect(runner.providerStatus.get('fake')).toMatchObject({ lastFailureAt: 5000, lastErrorCode: 'PROVIDER_ERROR', lastErrorStatus: 401, lastSuccessAt: 5000, consecutiveFailures: 0 });
  });

  it('does not retry a non-retryable error but still falls back', async () => {
    fake.addRule({ model: 'model-a', status: 401 });
    const { runner } = setup();
    const r = await runner.stream({ modelConfigId: 'a', messages: ask });
    expect(r.modelConfigId).toBe('b');
    expect(callsTo('model-a')).toBe(1);
  });

  it('keeps a partial reply: a stream cut after tokens is neither retried nor handed over', async () => {
    fake.addRule({ model: 'model-a', reply: 'partial answer that breaks', disconnectAfterChars: 7 });
    const { runner } = setup();
    const err = await runner.stream({ modelConfigId: 'a', messages: ask }).catch((e) => e);
    expect(isProviderCallError(err)).toBe(true);
    expect(err.partialText).toBe('partial');
    expect([callsTo('model-a'), callsTo('model-b')]).toEqual([1, 0]);
  });

  it('cools a failing model down, trying healthy fallbacks first until the cool-down ends', async () => {
    fake.addRule({ model: 'model-a', status: 500, times: 4 });
    const { runner, clock } = setup({ retries: 0, failureThreshold: 2 });
    await runner.stream({ modelConfigId: 'a', messages: ask });
    await runner.stream({ modelConfigId: 'a', messages: ask });
    expect(runner.isCoolingDown('a')).toBe(true);
    const before = callsTo('model-a');
    const r = await runner.stream({ modelConfigId: 'a', messages: ask });
    expect(r.modelConfigId).toBe('b');
    expect(callsTo('model-a')).toBe(before);
    clock.now += 1001;
    expect(runner.isCoolingDown('a')).toBe(false);
    fake.reset();
    expect((await runner.stream({ modelConfigId: 'a', messages: ask })).modelConfigId).toBe('a');
  });

  it('throws the last error when every model fails', async () => {
    fake.addRule({ status: 503 });
    const { runner } = setup({ retries: 0 });
    const err = await runner.stream({ modelConfigId: 'a', messages: ask }).catch((e) => e);
    expect(err).toMatchObject({ modelConfigId: 'c', status: 503, retryable: true });
  });

  it('resolves as aborted when the caller stops during a slow reply', async () => {
    fake.addRule({ model: 'model-a', reply: 'x'.repeat(400), chunkDelayMs: 20 });
    const { runner } = setup();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 60);
    const r = await runner.stream({ modelConfigId: 'a', messages: ask, abortSignal: ac.signal });
    expect(r.aborted).toBe(true);
    expect(r.modelConfigId).toBe('a');
    expect(callsTo('model-b')).toBe(0);
  });
});
