import { hashedEmbedding } from '@switchboard/protocol';
import { startFakeLlm, type FakeLlmServer } from './index';

describe('fake-llm /v1/embeddings', () => {
  let fake: FakeLlmServer;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const post = (body: unknown) =>
    fetch(`${fake.baseUrl}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers a string or a list with hashedEmbedding vectors in the OpenAI shape', async () => {
    const res = await post({ model: 'e', input: 'I bought a car' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: Array<{ index: number; embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(body.object).toBe('list');
    expect(body.data).toEqual([{ object: 'embedding', index: 0, embedding: hashedEmbedding('I bought a car') }]);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    const two = (await (await post({ model: 'e', input: ['a b', 'c d'], dimensions: 16 })).json()) as { data: Array<{ embedding: number[] }> };
    expect(two.data.map((d) => d.embedding.length)).toEqual([16, 16]);
  });

  it('refuses bad input with a 400', async () => {
    expect((await post({ model: 'e', input: [] })).status).toBe(400);
    expect((await post({ model: 'e', input: [1, 2] })).status).toBe(400);
    expect((await post({ model: 'e', input: 'x', dimensions: 0 })).status).toBe(400);
  });

  it('applies only embeddings rules to embeddings, and chat rules only to chat', async () => {
    fake.addRule({ match: 'car', reply: 'chat rule', times: 1 });
    expect((await post({ model: 'e', input: 'car' })).status).toBe(200);
    fake.addRule({ endpoint: 'embeddings', match: 'slow', status: 500, firstTokenDelayMs: 50, times: 1 });
    const start = Date.now();
    expect((await post({ model: 'e', input: ['fast', 'slow one'] })).status).toBe(500);
    expect(Date.now() - start).toBeGreaterThanOrEqual(45);
    expect((await post({ model: 'e', input: 'slow one' })).status).toBe(200);
    const chat = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'my car' }] }),
    });
    expect(((await chat.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content).toBe('chat rule');
  });
});
