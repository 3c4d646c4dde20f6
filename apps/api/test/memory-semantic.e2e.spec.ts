import type { Memory, MemoryDecision } from '@switchboard/protocol';
import { MemoryService } from '@switchboard/memory/server';
import { eventually, onPostgres, queryDatabase, rawRequest, startTestApi, testConfig, type TestApi, JSON_AUTH_HEADERS } from './harness';

const auth = JSON_AUTH_HEADERS;

/** A fact and a question with no word, stem or listed synonym in common: full-text search cannot link them. */
const TARGET = 'My daughter adores the cello';
const QUESTION = 'Which instrument does my kid love?';
/** More recent facts than a turn injects without relevance (20), so the target is injected only if it is found. */
const FILLER = [
  'I drink espresso every morning at seven',
  'The garage door squeaks when it rains',
  'Our neighbours repaint their fence each spring',
  'I keep my passport in the blue folder',
  'My bank branch closes at four on Fridays',
  'The office wifi password changes monthly',
  'I prefer aisle seats on long flights',
  'Tomatoes grow best on the south balcony',
  'My dentist is on Rua Augusta',
  'I am learning to knit scarves',
  'Our landlord visits every quarter',
  'I recycle glass on Tuesdays',
  'The laptop charger lives in the hallway drawer',
  'I run along the river on Sundays',
  'My favourite bakery sells rye loaves',
  'The heating boiler was serviced in October',
  'I take the 28 tram to work',
  'My brother collects vinyl records',
  'We store winter coats in the attic',
  'I avoid caffeine after lunch',
  'The car insurance renews in March',
  'I water the ferns twice a week',
  'My sister lives near the harbour',
  'I back up photos to an external disk',
];

describe('semantic memory retrieval with the fake embedding model (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({ config: (fake) => testConfig(fake, { memory: { embeddings: { provider: 'fake', model: 'fake-embed' } } }) });
  });
  afterAll(async () => {
    await t.close();
  });

  const memory = () => t.api.app.get(MemoryService);
  async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const r = await rawRequest(t.api.url, method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers: auth });
    return { status: r.status, json: r.json as T };
  }
  const remember = async (content: string, personId = 'owner') => {
    const r = await api<MemoryDecision>('POST', '/api/v1/memories', { content, scope: 'person', personId });
    expect(r.status).toBe(201);
    return r.json.memory!;
  };
  /** One turn in the owner's conversation; returns the system prompt the primary model received. */
  const systemOfTurn = async (sessionId: string, text: string) => {
    const r = await t.client.sendMessage(sessionId, { text, wait: true });
    expect(r.reply!.status).toBe('complete');
    const primary = t.fake.requests.filter((x) => x.model === 'fake-main').at(-1)!;
    return primary.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  };
  const docOf = async (id: string) => (await queryDatabase<{ doc_id: number }>(t, 'SELECT doc_id FROM memories WHERE id = ?', [id]))[0]?.doc_id;
  const vectorsOf = async (doc: number) => {
    const rows = await queryDatabase<{ model: string }>(t, 'SELECT model FROM memory_embeddings WHERE doc_id = ?', [doc]);
    // SQLite's vec0 index keeps its row ids in a plain shadow table, readable without the extension.
    const indexed = onPostgres() ? [] : await queryDatabase(t, 'SELECT rowid FROM memory_vectors_rowids WHERE rowid = ?', [doc]);
    return { rows, indexed: indexed.length };
  };

  it('finds a paraphrased question’s memory that full-text search misses, never another person’s, and forgets its vector on delete', async () => {
    const target = await remember(TARGET);
    for (const f of FILLER) await remember(f);
    const alice = (await t.client.createSession({ channel: 'telegram', peerId: '52001' })).person!.id;
    await remember('My son adores the violin', alice);
    // Embedded in the background, after the writes, with the model's id stored beside each vector.
    await eventually(() => memory().embeddingMetrics()!.embedded, (n) => n >= FILLER.length + 2, 'every memory to be embedded');
    await memory().embeddingsIdle();
    const doc = await docOf(target.id);
    expect(await vectorsOf(doc)).toEqual({ rows: [{ model: 'fake/fake-embed' }], indexed: onPostgres() ? 0 : 1 });
    expect(t.fake.requests.some((r) => r.path === '/v1/embeddings' && r.model === 'fake-embed')).toBe(true);

    // Full text finds nothing for the question.
    const lexical = await api<{ memories: Memory[] }>('GET', `/api/v1/memories?personId=owner&q=${encodeURIComponent(QUESTION)}`);
    expect(lexical.json.memories).toEqual([]);

    const s = await t.client.createSession({ channel: 'api', peerId: 'semantic-1' });
    const system = await systemOfTurn(s.id, QUESTION);
    expect(system).toContain(`- ${TARGET} (person)`);
    // Alice's memory is as near, and hers alone.
    expect(system).not.toContain('violin');

    // Deleted: the row, its vector and its index entry go; the next turn cannot find it.
    expect((await api('DELETE', `/api/v1/memories/${target.id}`)).status).toBe(200);
    expect(await vectorsOf(doc)).toEqual({ rows: [], indexed: 0 });
    expect(await systemOfTurn(s.id, QUESTION)).not.toContain('cello');
  });

  it('keeps turns working, lexically, when the embedding model fails', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'semantic-2' });
    t.fake.addRule({ endpoint: 'embeddings', status: 500 });
    try {
      const system = await systemOfTurn(s.id, 'When is the espresso time in the morning?');
      expect(system).toContain('- I drink espresso every morning at seven (person)');
      expect(memory().embeddingMetrics()!.queryFallbacks).toBeGreaterThanOrEqual(1);
      const metrics = await rawRequest(t.api.url, 'GET', '/metrics', { headers: auth });
      expect(metrics.text).toMatch(/^switchboard_memory_embedding_fallbacks_total [1-9]/m);
    } finally {
      t.fake.clearRules();
    }
  });
});
