import { createEmbeddingClient } from '@switchboard/models/server';
import { startFakeLlm, type FakeLlmServer } from '@switchboard/tools/fake-llm';
import { MEMORY_TEST_DIALECTS, openMemoryTestDb, type MemoryTestDb } from '../testing/memory-test-db';
import { MemoryService, type MemoryAudience } from '../service/memory.service';
import { memoryTools } from '../service/memory-tools';
import { MemoryStore } from '../store/memory.store';
import { VEC_TABLE } from '../db/vectors/sqlite-memory-vectors';
import type { MemoryLogger } from '../queue/debounce-queue';
import { SEMANTIC_WEIGHT } from '../retrieval/rank-memories';

const ANA = { personId: 'ana', role: 'member' as const };
const BRUNO = { personId: 'bruno', role: 'member' as const };
const privateTo = (speaker: typeof ANA): MemoryAudience => ({ speaker, groupId: null, projectId: null });

/** Facts with no word (nor stem, nor synonym of the lexical list) in common with the question. */
const CELLO = 'My daughter adores the cello';
const QUESTION = 'Which instrument does my kid love?';
const FILLER = ['I drink espresso every morning at seven', 'The garage door squeaks when it rains', 'Our neighbours repaint their fence each spring'];

describe.each(MEMORY_TEST_DIALECTS)('semantic memory retrieval (%s)', (dialect) => {
  let fake: FakeLlmServer;
  let db: MemoryTestDb;
  const services: MemoryService[] = [];
  const warnings: string[] = [];
  const logger: MemoryLogger = { debug: () => undefined, info: () => undefined, warn: (_o, msg) => void warnings.push(msg ?? ''), error: () => undefined };

  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: 'k' });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    fake.reset();
    warnings.length = 0;
    db = await openMemoryTestDb({ dialect });
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
    await db.close();
  });

  const client = (model = 'fake-embed') => createEmbeddingClient({ provider: 'fake', model }, { type: 'openai-compatible', baseUrl: fake.baseUrl, apiKey: 'k' });
  const service = async (model: string | null = 'fake-embed', extra: { queryTimeoutMs?: number; cooldownMs?: number } = {}) => {
    const s = new MemoryService({
      store: db.store,
      settings: db.settings,
      logger,
      embeddings: model ? { model: client(model), retryMs: 50, ...extra } : null,
    });
    services.push(s);
    await s.start();
    return s;
  };
  const add = (s: MemoryService, content: string, personId: string) => s.createFromUser({ content, scope: 'person', personId });
  /** The stored record (doc id, content hash) of a memory the API shape leaves them out of. */
  const record = async (id: string) => (await db.store.get(id, { scope: 'all' }))!;
  const vectorRows = async () => db.query<{ doc_id: number; model: string; owner_key: string }>('SELECT doc_id, model, owner_key FROM memory_embeddings ORDER BY doc_id');
  const indexRows = async () => (dialect === 'sqlite' ? (await db.query<{ doc_id: number }>(`SELECT doc_id FROM ${VEC_TABLE}`)).map((r) => Number(r.doc_id)).sort() : null);

  it('embeds memories in the background and finds a paraphrase that full-text search misses', async () => {
    const s = await service();
    const cello = (await add(s, CELLO, 'ana')).memory!;
    for (const f of FILLER) await add(s, f, 'ana');
    await s.embeddingsIdle();
    expect(await db.store.embeddingCoverage('fake/fake-embed')).toEqual({ embedded: 4, active: 4 });
    expect((await vectorRows()).map((r) => r.owner_key)).toEqual(['person:ana', 'person:ana', 'person:ana', 'person:ana']);
    if (dialect === 'sqlite') expect(await indexRows()).toHaveLength(4);
    // Full text finds nothing; the nearest vector is the cello.
    expect(await db.store.search(QUESTION, { scope: 'person', personId: 'ana' }, 5)).toEqual([]);
    const near = await db.store.semanticSearch((await client().embed([QUESTION]))[0], 'fake/fake-embed', { scope: 'person', personId: 'ana' }, 5);
    expect(near[0].record.id).toBe(cello.id);
    expect(near[0].similarity).toBeGreaterThan(near[1].similarity);
    const got = await s.retrieve(QUESTION, privateTo(ANA));
    expect(got[0].id).toBe(cello.id);
    expect(got[0].relevance).toBeCloseTo(SEMANTIC_WEIGHT);
    // The memory_search tool searches the same way.
    await s.prepareTurn({ sessionId: 's', turnId: 't-search', projectId: null, speaker: ANA, userText: QUESTION, userMessageId: 'm' });
    const [search] = memoryTools(s);
    const found = await search.execute({ query: QUESTION }, { sessionId: 's', turnId: 't-search', channel: 'api', peerId: 'p', projectId: null });
    expect(found.memories[0]).toMatchObject({ id: cello.id, relevance: SEMANTIC_WEIGHT });
    // Without the model the same store ranks it as one recent memory among others, with no relevance.
    const lexical = await (await service(null)).retrieve(QUESTION, privateTo(ANA));
    expect(lexical.find((m) => m.id === cello.id)!.relevance).toBe(0);
  });

  it("never returns another person's memory, however near", async () => {
    const s = await service();
    await add(s, CELLO, 'ana');
    await add(s, FILLER[0], 'bruno');
    await s.embeddingsIdle();
    const got = await s.retrieve(QUESTION, privateTo(BRUNO));
    expect(got.map((m) => m.content)).toEqual([FILLER[0]]);
    expect(await db.store.semanticSearch((await client().embed([QUESTION]))[0], 'fake/fake-embed', { scope: 'turn', personId: 'bruno', groupId: null, projectId: null }, 10)).toHaveLength(1);
    // A group chat reads nobody's personal memories, the speaker's included.
    expect(await s.retrieve(QUESTION, { speaker: ANA, groupId: 'telegram:-1', projectId: null })).toEqual([]);
  });

  it('deletes a memory’s vector with it, drops a superseded or edited text’s vector, and follows a move', async () => {
    const s = await service();
    const cello = await record((await add(s, CELLO, 'ana')).memory!.id);
    const other = await record((await add(s, FILLER[1], 'ana')).memory!.id);
    await s.embeddingsIdle();
    expect(await vectorRows()).toHaveLength(2);
    const before = (await vectorRows()).find((r) => Number(r.doc_id) === other.docId);
    expect(before).toBeDefined();

    // Edited: the old vector goes in the same transaction, a new one follows in the background.
    await s.update(other.id, { content: 'The garage door squeaks when it is cold' });
    expect((await vectorRows()).map((r) => Number(r.doc_id))).toEqual([cello.docId]);
    await s.embeddingsIdle();
    expect(await db.store.embeddingCoverage('fake/fake-embed')).toEqual({ embedded: 2, active: 2 });

    // Moved to Bruno: his turns find it by meaning, Ana's no longer do.
    await s.update(cello.id, { personId: 'bruno' });
    expect((await vectorRows()).find((r) => Number(r.doc_id) === cello.docId)!.owner_key).toBe('person:bruno');
    expect((await s.retrieve(QUESTION, privateTo(BRUNO)))[0].id).toBe(cello.id);
    expect((await s.retrieve(QUESTION, privateTo(ANA))).map((m) => m.id)).not.toContain(cello.id);

    // Deleted: no row, no index entry, nothing in any table.
    await s.remove(cello.id);
    expect((await vectorRows()).map((r) => Number(r.doc_id))).toEqual([other.docId]);
    if (dialect === 'sqlite') expect(await indexRows()).toEqual([other.docId]);
    expect(await db.store.semanticSearch((await client().embed([QUESTION]))[0], 'fake/fake-embed', { scope: 'person', personId: 'bruno' }, 10)).toEqual([]);
    expect(await db.dump()).not.toContain('cello');
  });

  it('re-embeds memories whose vectors came from another model, and never writes a vector for a memory deleted meanwhile', async () => {
    const first = await service('fake-embed');
    for (const f of FILLER) await add(first, f, 'ana');
    await first.embeddingsIdle();
    await first.close();
    const second = await service('fake-embed-2');
    await second.embeddingsIdle();
    expect(await db.store.embeddingCoverage('fake/fake-embed-2')).toEqual({ embedded: 3, active: 3 });
    expect(new Set((await vectorRows()).map((r) => r.model))).toEqual(new Set(['fake/fake-embed-2']));

    // A vector computed for a memory that is gone (or whose text changed) is not stored.
    const gone = await record((await add(second, CELLO, 'ana')).memory!.id);
    await second.embeddingsIdle();
    await second.remove(gone.id);
    expect(await db.store.putEmbeddings('fake/fake-embed-2', [{ docId: gone.docId, contentHash: gone.contentHash, vector: [1, 0, 0] }])).toBe(0);
    const kept = (await vectorRows())[0];
    expect(await db.store.putEmbeddings('fake/fake-embed-2', [{ docId: Number(kept.doc_id), contentHash: 'not-its-text', vector: [1, 0, 0] }])).toBe(0);
    expect((await vectorRows()).map((r) => Number(r.doc_id))).not.toContain(gone.docId);
  });

  it('falls back to lexical retrieval at once when the model fails, and within the timeout when it is slow; the indexer retries', async () => {
    fake.addRule({ endpoint: 'embeddings', status: 500 });
    const s = await service('fake-embed', { queryTimeoutMs: 150, cooldownMs: 60_000 });
    await add(s, 'I drink espresso every morning', 'ana');
    await s.embeddingsIdle();
    expect(s.embeddingMetrics()).toMatchObject({ embedded: 0, failures: 1 });
    const got = await s.retrieve('espresso', privateTo(ANA));
    expect(got[0].content).toBe('I drink espresso every morning');
    expect(got[0].relevance).toBe(1);
    // Cooling down: the next turns do not call the model at all.
    const calls = fake.requests.length;
    await s.retrieve('espresso again', privateTo(ANA));
    expect(fake.requests.length).toBe(calls);
    expect(s.embeddingMetrics()!.queryFallbacks).toBe(2);
    expect(warnings).toContain('question embedding failed: retrieving lexically');

    // The provider recovers: the indexer's retry stores the vector.
    fake.clearRules();
    await new Promise((r) => setTimeout(r, 120));
    await s.embeddingsIdle();
    expect(await db.store.embeddingCoverage('fake/fake-embed')).toEqual({ embedded: 1, active: 1 });

    // Slow: the turn waits no longer than the timeout.
    const slow = await service('fake-embed', { queryTimeoutMs: 150 });
    fake.addRule({ endpoint: 'embeddings', firstTokenDelayMs: 3000 });
    const start = Date.now();
    const lexical = await slow.retrieve('espresso in the morning', privateTo(ANA));
    expect(Date.now() - start).toBeLessThan(1000);
    expect(lexical[0].content).toBe('I drink espresso every morning');
  });

  it('closes at once while a background call hangs, and stores nothing from it', async () => {
    const s = await service();
    fake.addRule({ endpoint: 'embeddings', firstTokenDelayMs: 10_000 });
    await add(s, CELLO, 'ana');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.embeddingMetrics()!.indexing).toBe(true);
    const start = Date.now();
    services.splice(services.indexOf(s), 1);
    await s.close();
    expect(Date.now() - start).toBeLessThan(1000);
    expect(await vectorRows()).toEqual([]);
    expect(s.embeddingMetrics()!.failures).toBe(0);
  });

  it('drops a superseded memory’s vector, and moves vectors with a person’s memories when accounts are linked', async () => {
    const s = await service();
    const old = await record((await add(s, CELLO, 'ana')).memory!.id);
    const espresso = await record((await add(s, FILLER[0], 'ana')).memory!.id);
    await s.embeddingsIdle();
    const fresh = await db.store.supersede(
      old.id,
      { content: 'My daughter now plays the violin', scope: 'person', personId: 'ana', projectId: null, category: null, tags: [], confidence: 1, source: 'user', sourceSessionId: null, sourceMessageId: null },
      { scope: 'person', personId: 'ana' },
      { reason: 'UPDATED' },
    );
    expect((await vectorRows()).map((r) => Number(r.doc_id))).toEqual([espresso.docId]);
    await s.reassignPerson('ana', 'bruno');
    await s.embeddingsIdle();
    expect((await vectorRows()).map((r) => [Number(r.doc_id), r.owner_key])).toEqual([
      [espresso.docId, 'person:bruno'],
      [fresh!.docId, 'person:bruno'],
    ]);
    expect((await s.retrieve(QUESTION, privateTo(BRUNO)))[0].id).toBe(fresh!.id);
    expect(await s.retrieve(QUESTION, privateTo(ANA))).toEqual([]);
  });

  it('rebuilds SQLite’s vec0 index from the stored vectors, and only turn or single-owner filters search', async () => {
    const s = await service();
    for (const f of FILLER) await add(s, f, 'ana');
    await s.embeddingsIdle();
    if (dialect === 'sqlite') {
      await db.query(`DELETE FROM ${VEC_TABLE}`);
      expect(await indexRows()).toEqual([]);
    }
    const store = MemoryStore.create(db.ds, db.runner);
    expect(await store.vectorsAvailable()).toBe(true);
    if (dialect === 'sqlite') expect(await indexRows()).toHaveLength(3);
    expect(await store.semanticSearch((await client().embed([FILLER[0]]))[0], 'fake/fake-embed', { scope: 'person', personId: 'ana' }, 1)).toMatchObject([
      { record: { content: FILLER[0] } },
    ]);
    expect(await store.semanticSearch([1, 0], 'm', { scope: 'all' }, 5)).toEqual([]);
    expect(await store.semanticSearch([1, 0], 'm', { scope: 'person', personId: null }, 5)).toEqual([]);
    expect(await store.semanticSearch([1, 0], 'm', { scope: 'global' }, 5)).toEqual([]);
  });
});
