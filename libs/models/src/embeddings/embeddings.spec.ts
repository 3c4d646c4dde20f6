import { hashedEmbedding } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { switchboardConfigSchema } from '../config.schema';
import { ProviderCallError } from '../provider-call-error';
import { createEmbeddingClient, embeddingModelKey } from './embedding-client';

describe('memory.embeddings in the config file', () => {
  const providers = { local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' }, claude: { type: 'anthropic' } };

  it('defaults to none, and accepts an openai-compatible provider with defaults filled in', () => {
    expect(switchboardConfigSchema.parse({}).memory.embeddings).toBeNull();
    const parsed = switchboardConfigSchema.parse({ providers, memory: { embeddings: { provider: 'local', model: 'nomic-embed-text' } } });
    expect(parsed.memory.embeddings).toEqual({ provider: 'local', model: 'nomic-embed-text', batchSize: 32, queryTimeoutMs: 800 });
  });

  it('names an unknown or non-OpenAI-compatible provider, and unknown keys', () => {
    const issues = (embeddings: unknown) =>
      switchboardConfigSchema.safeParse({ providers, memory: { embeddings } }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ provider: 'nope', model: 'm' })).toEqual([expect.stringMatching(/^memory\.embeddings\.provider: unknown provider "nope"/)]);
    expect(issues({ provider: 'claude', model: 'm' })).toEqual([expect.stringMatching(/openai-compatible provider; "claude" is anthropic/)]);
    expect(issues({ provider: 'local', model: 'm', dims: 3 })).toEqual([expect.stringMatching(/^memory\.embeddings: Unrecognized key/)]);
  });
});

describe('createEmbeddingClient over the fake LLM', () => {
  let fake: FakeLlmServer;
  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: 'k-123' });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const provider = () => ({ type: 'openai-compatible' as const, baseUrl: fake.baseUrl, apiKey: 'k-123' });

  it('embeds texts in order through /v1/embeddings, with the model, key and dimensions', async () => {
    const client = createEmbeddingClient({ provider: 'fake', model: 'fake-embed', dimensions: 64 }, provider());
    expect(client.modelKey).toBe('fake/fake-embed@64');
    const vectors = await client.embed(['I bought a car', 'Where do I live?']);
    expect(vectors).toEqual([hashedEmbedding('I bought a car', 64), hashedEmbedding('Where do I live?', 64)]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ path: '/v1/embeddings', model: 'fake-embed', body: { input: ['I bought a car', 'Where do I live?'], dimensions: 64 } });
    expect(fake.requests[0].headers.authorization).toBe('Bearer k-123');
    expect(await client.embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with a ProviderCallError (no retry) when the provider fails, and never shows the key', async () => {
    fake.addRule({ endpoint: 'embeddings', status: 503, times: 1 });
    const client = createEmbeddingClient({ provider: 'fake', model: 'fake-embed' }, provider());
    const err = await client.embed(['x']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderCallError);
    expect((err as ProviderCallError).status).toBe(503);
    expect(fake.requests).toHaveLength(1);
    const bad = createEmbeddingClient({ provider: 'fake', model: 'fake-embed' }, { ...provider(), apiKey: 'wrong-key-456' });
    const denied = (await bad.embed(['x']).catch((e: unknown) => e)) as Error;
    expect(denied.message).toMatch(/401/);
    expect(denied.message).not.toContain('wrong-key-456');
  });

  it('refuses a provider that is not OpenAI-compatible', () => {
    expect(() => createEmbeddingClient({ provider: 'a', model: 'm' }, { type: 'anthropic' })).toThrow(/openai-compatible/);
    expect(embeddingModelKey({ provider: 'ollama', model: 'nomic-embed-text' })).toBe('ollama/nomic-embed-text');
  });
});
