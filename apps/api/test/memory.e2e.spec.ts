import type { Memory, MemoryDecision, MemorySettings, Message } from '@switchboard/protocol';
import type { DataSource } from 'typeorm';
import { MemoryService } from '@switchboard/memory/server';
import { DATA_SOURCE } from '../src/core/tokens';
import { eventually, rawRequest, startTestApi, type TestApi, JSON_AUTH_HEADERS } from './harness';

const auth = JSON_AUTH_HEADERS;
const extraction = (...memories: Array<Record<string, unknown>>) => JSON.stringify({ memories });
const fact = (content: string, extra: Record<string, unknown> = {}) => ({ content, scope: 'global', confidence: 0.9, ...extra });

describe('memory (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    t.fake.reset();
    await api('PUT', '/api/v1/settings/memory', { enabled: true, silent: false });
    for (const m of (await listMemories()).memories) await api('DELETE', `/api/v1/memories/${m.id}`);
  });

  async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T & { error?: { code: string; message: string; details?: Record<string, unknown> } } }> {
    const r = await rawRequest(t.api.url, method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers: auth });
    return { status: r.status, json: r.json as T & { error?: { code: string; message: string; details?: Record<string, unknown> } } };
  }
  const listMemories = async (query = '') => (await api<{ memories: Memory[] }>('GET', `/api/v1/memories${query}`)).json;
  const memory = () => t.api.app.get(MemoryService);
  /** Lets the debounce elapse now: waits for the turn's hook to queue it, then flushes. */
  const settle = async (enqueuedBefore: number) => {
    await eventually(() => memory().metrics().queue.enqueued, (n) => n > enqueuedBefore, 'the turn to reach the memory queue');
    await memory().flush();
  };
  const newSession = (projectId?: string) => t.client.createSession({ channel: 'api', peerId: `mem-${Math.random()}`, projectId });
  /** One turn, then extraction; returns the request the primary model received. */
  const turn = async (sessionId: string, text: string) => {
    const before = memory().metrics().queue.enqueued;
    await t.client.sendMessage(sessionId, { text, wait: true });
    const primary = t.fake.requests.filter((r) => r.model === 'fake-main').at(-1)!;
    await settle(before);
    return primary;
  };
  const systemOf = (req: { messages: Array<{ role: string; content: string }> }) => req.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const extractionRequests = () => t.fake.requests.filter((r) => r.messages.some((m) => m.content.startsWith('EXTRACT MEMORIES')));

  it('deleting a conversation drops its pending extraction: its text is never sent for extraction nor remembered', async () => {
    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*I keep bees/, reply: extraction(fact('User keeps bees')) });
    const s = await newSession();
    const before = memory().metrics().queue.enqueued;
    await t.client.sendMessage(s.id, { text: 'I keep bees on my roof.', wait: true });
    await eventually(() => memory().metrics().queue.enqueued, (n) => n > before, 'the turn to reach the memory queue');
    expect(memory().metrics().queue.depth).toBeGreaterThan(0);
    expect((await api('DELETE', `/api/v1/sessions/${s.id}`)).status).toBe(200);
    await memory().flush();
    expect(extractionRequests()).toEqual([]);
    expect((await listMemories()).memories).toEqual([]);
  });

  it('extracts a memory from a user turn, announces it, records usage and injects it next turn', async () => {
    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*I live in Lisbon/, reply: extraction(fact('User lives in Lisbon', { tags: ['home'] })) });
    const s = await newSession();
    await turn(s.id, 'Hello! I live in Lisbon, by the way.');

    const [m] = (await listMemories()).memories;
    // The API token is the owner's: the fact is the owner's own (before people existed it went to global, shared with everyone).
    expect(m).toMatchObject({ content: 'User lives in Lisbon', scope: 'person', personId: 'owner', source: 'extracted', sourceSessionId: s.id, tags: ['home'] });
    const [req] = extractionRequests();
    expect(req.model).toBe('fake-quick');
    expect(systemOf(req)).toContain('at most 1000 characters');

    const messages: Message[] = (await t.client.listMessages(s.id)).messages;
    const notice = messages.find((x) => x.kind === 'memory_saved');
    expect(notice).toMatchObject({ role: 'system', content: 'Remembered: User lives in Lisbon', event: { memoryIds: [m.id] } });
    const usage = await t.client.getUsage(s.id);
    expect(usage.delegation.memory_extraction).toMatchObject({ calls: 1 });

    const next = await turn(s.id, 'What city should I explore this weekend near home?');
    expect(systemOf(next)).toMatch(/<memory>\n[\s\S]*- User lives in Lisbon \(person\)\n<\/memory>/);

    // Queue depth, flushes and drops are metrics, in JSON and on the Prometheus scrape.
    const metrics = await api<{ queue: { depth: number; flushes: number; drops: number } }>('GET', '/api/v1/memories/metrics');
    expect(metrics.json.queue).toMatchObject({ depth: 0, drops: 0 });
    expect(metrics.json.queue.flushes).toBeGreaterThanOrEqual(2);
    const scrape = await rawRequest(t.api.url, 'GET', '/metrics', { headers: auth });
    expect(scrape.text).toMatch(/^switchboard_memory_queue_flushes_total \d+$/m);
    expect(scrape.text).toMatch(/^switchboard_memory_queue_depth 0$/m);
    expect(scrape.text).toMatch(/^switchboard_memory_decisions_total\{action="accepted",reason="NEW"\} [1-9]/m);
    expect(scrape.text).toMatch(/switchboard_tokens_total\{[^}]*role="memory_extraction"/);
  });

  it('junk memories: an answer without JSON (like the offline model) stores nothing and breaks nothing', async () => {
    const s = await newSession();
    await turn(s.id, 'I think I prefer short answers.');
    expect(extractionRequests()).toHaveLength(1);
    expect((await listMemories()).memories).toEqual([]);
    expect(memory().metrics().extraction.emptyResponses).toBeGreaterThan(0);
    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*weather/, reply: extraction(fact('User asked about the weather'), fact('User said thanks')) });
    await turn(s.id, 'What is the weather today? thanks');
    expect((await listMemories()).memories).toEqual([]);
  });

  it('duplicate memories: the API refuses duplicates and replaying a conversation adds nothing', async () => {
    const first = await api<MemoryDecision>('POST', '/api/v1/memories', { content: 'User prefers tabs over spaces' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ action: 'accepted', reason: 'NEW', memory: { content: 'User prefers tabs over spaces', source: 'user' } });
    const again = await api('POST', '/api/v1/memories', { content: 'the user prefers  tabs over spaces.' });
    expect(again.status).toBe(422);
    expect(again.json.error).toMatchObject({ code: 'MEMORY_REJECTED', details: { reason: 'DUPLICATE', existingId: first.json.memory!.id } });

    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*Rust/, reply: extraction(fact('User writes Rust at work')) });
    for (const _ of [1, 2]) await turn((await newSession()).id, 'At work I write Rust all day.');
    expect((await listMemories()).memories.map((m) => m.content).sort()).toEqual(['User prefers tabs over spaces', 'User writes Rust at work']);
  });

  it('contradictions kept side by side: a change supersedes the old memory', async () => {
    // The owner's own fact (a global one is shared with everyone: a turn never rewrites it).
    await api('POST', '/api/v1/memories', { content: 'User lives in Lisbon', scope: 'person', personId: 'owner' });
    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*moved to Porto/, reply: extraction(fact('User lives in Porto')) });
    const s = await newSession();
    await turn(s.id, 'Big news: I moved to Porto.');
    expect((await listMemories()).memories.map((m) => m.content)).toEqual(['User lives in Porto']);
    const next = await turn(s.id, 'Where do I live now, Lisbon or Porto?');
    expect(systemOf(next)).toContain('User lives in Porto');
    expect(systemOf(next)).not.toContain('User lives in Lisbon');
  });

  it("deletes that don't delete: a deleted memory is gone from every query and every prompt", async () => {
    const created = await api<MemoryDecision>('POST', '/api/v1/memories', { content: 'User keeps bees on the roof' });
    const id = created.json.memory!.id;
    const patched = await api<Memory>('PATCH', `/api/v1/memories/${id}`, { content: 'User keeps two hives of bees on the roof', tags: ['hobby'] });
    expect(patched.json).toMatchObject({ id, content: 'User keeps two hives of bees on the roof', tags: ['hobby'] });
    expect((await api('DELETE', `/api/v1/memories/${id}`)).json).toEqual({ ok: true });

    expect((await listMemories('?q=bees%20hives%20roof')).memories).toEqual([]);
    expect((await listMemories()).memories).toEqual([]);
    const s = await newSession();
    const req = await turn(s.id, 'Any tips for my bees and hives on the roof?');
    expect(systemOf(req)).not.toMatch(/bees/i);
    const ds = t.api.app.get<symbol, DataSource>(DATA_SOURCE);
    const rows: Array<{ content: string | null }> = await ds.query(`SELECT content FROM memory_history UNION ALL SELECT content FROM memories`);
    expect(rows.filter((r) => r.content && /bees/i.test(r.content))).toEqual([]);
    expect((await api('DELETE', `/api/v1/memories/${id}`)).json.error).toMatchObject({ code: 'MEMORY_NOT_FOUND' });
    expect((await api('PATCH', `/api/v1/memories/${id}`, { content: 'x y z' })).status).toBe(404);
  });

  it('memories leaking across scopes: project A memories never reach project B', async () => {
    const a = await api<MemoryDecision>('POST', '/api/v1/memories', { content: 'The API is written in Kotlin', scope: 'project', projectId: 'alpha' });
    await api('POST', '/api/v1/memories', { content: 'User prefers metric units' });
    const inA = await turn((await newSession('alpha')).id, 'Which language is the API written in, Kotlin? units?');
    expect(systemOf(inA)).toContain('The API is written in Kotlin (project)');
    const inB = await turn((await newSession('beta')).id, 'Which language is the API written in, Kotlin? units?');
    expect(systemOf(inB)).not.toContain('Kotlin');
    expect(systemOf(inB)).toContain('User prefers metric units (global)');
    expect((await listMemories('?projectId=beta')).memories).toEqual([]);
    expect((await listMemories('?projectId=alpha')).memories.map((m) => m.id)).toEqual([a.json.memory!.id]);
    expect((await listMemories('?scope=global')).memories.map((m) => m.content)).toEqual(['User prefers metric units']);
    expect((await listMemories('?scope=global&q=Kotlin')).memories).toEqual([]);
  });

  it('assistant text stored as user facts: a fact only the assistant said is not stored', async () => {
    // The extraction rule first: the extraction prompt also contains the user's words.
    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*Japan/, reply: extraction(fact('User lives in Osaka'), fact('User is planning a trip to Japan')) });
    t.fake.addRule({ match: 'Any tips for my trip to Japan', reply: 'Since you live in Osaka and love sushi, try Kyoto!' });
    const s = await newSession();
    await turn(s.id, 'Any tips for my trip to Japan?');
    expect(extractionRequests()[0].messages.at(-1)!.content).toContain('[assistant — context only, not a source] Since you live in Osaka');
    expect((await listMemories()).memories.map((m) => m.content)).toEqual(['User is planning a trip to Japan']);
  });

  it('secrets stored: refused with a clear reason, never sent to the extractor, never stored', async () => {
    const r = await api('POST', '/api/v1/memories', { content: 'My OpenAI key is sk-proj-Abc123def456ghi789jkl012' });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'MEMORY_REJECTED', details: { reason: 'SECRET', kind: 'api_key' } });
    expect(r.json.error!.message).toMatch(/secrets are never stored/);
    expect(JSON.stringify(r.json)).not.toContain('sk-proj');

    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*wifi/, reply: extraction(fact('User wifi password is sunshine42'), fact('User has a home wifi network')) });
    const s = await newSession();
    await turn(s.id, 'My wifi password is sunshine42 — I just set up a home wifi network.');
    expect(JSON.stringify(extractionRequests()[0].body)).not.toContain('sunshine42');
    const all = JSON.stringify(await listMemories());
    expect(all).not.toContain('sunshine42');
    expect((await listMemories()).memories.map((m) => m.content)).toEqual(['User has a home wifi network']);
  });

  it('settings: silent saves without a notice; disabled neither injects nor extracts; both persist', async () => {
    expect((await api<MemorySettings>('GET', '/api/v1/settings/memory')).json).toEqual({ enabled: true, silent: false });
    expect((await api<MemorySettings>('PUT', '/api/v1/settings/memory', { silent: true })).json).toEqual({ enabled: true, silent: true });
    t.fake.addRule({ match: /EXTRACT MEMORIES[\s\S]*sourdough/, reply: extraction(fact('User bakes sourdough bread')) });
    const s = await newSession();
    await turn(s.id, 'I bake sourdough bread every weekend.');
    expect((await listMemories()).memories).toHaveLength(1);
    expect((await t.client.listMessages(s.id)).messages.some((m) => m.kind === 'memory_saved')).toBe(false);

    await api('PUT', '/api/v1/settings/memory', { enabled: false });
    const extractionsBefore = extractionRequests().length;
    await t.client.sendMessage(s.id, { text: 'What bread do I bake, sourdough?', wait: true });
    await memory().flush();
    expect(systemOf(t.fake.requests.at(-1)!)).not.toContain('<memory>');
    expect(extractionRequests()).toHaveLength(extractionsBefore);

    await t.restart();
    expect((await api<MemorySettings>('GET', '/api/v1/settings/memory')).json).toEqual({ enabled: false, silent: true });
    expect((await listMemories()).memories.map((m) => m.content)).toEqual(['User bakes sourdough bread']);
  });

  it('/memory lists what the conversation can draw on', async () => {
    await api('POST', '/api/v1/memories', { content: 'User prefers metric units' });
    await api('POST', '/api/v1/memories', { content: 'The app is written in Swift', scope: 'project', projectId: 'beta' });
    const s = await newSession('alpha');
    const r = await t.client.sendMessage(s.id, { text: '/memory' });
    expect(r.command).toMatchObject({ name: 'memory', ok: true });
    expect(r.reply!.content).toContain('User prefers metric units — global');
    expect(r.reply!.content).not.toContain('Swift');
  });

  it('lists by relevance with a score and a limit', async () => {
    for (const c of ['User plays chess on Sundays', 'User likes chess puzzles and chess history', 'User grows tomatoes']) await api('POST', '/api/v1/memories', { content: c });
    const ranked = (await listMemories('?q=chess%20puzzles&limit=5')).memories;
    expect(ranked.map((m) => m.content)).toEqual(['User likes chess puzzles and chess history', 'User plays chess on Sundays']);
    expect(ranked[0].score).toBe(1);
    expect((await listMemories('?limit=1')).memories).toHaveLength(1);
    const hostile = await listMemories(`?q=${encodeURIComponent('chess" OR * NEAR(-x)')}`);
    expect(hostile.memories.map((m) => m.content)).toContain('User plays chess on Sundays');
  });

  it('rejects bad input with coded 4xx errors and changes nothing', async () => {
    expect((await api('GET', '/api/v1/memories?scope=everyone')).json.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await api('GET', '/api/v1/memories?limit=0')).status).toBe(400);
    expect((await api('GET', '/api/v1/memories?scope=global&projectId=alpha')).status).toBe(400);
    expect((await api('POST', '/api/v1/memories', { content: 'The repo uses pnpm', scope: 'project' })).json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'projectId' } });
    expect((await api('POST', '/api/v1/memories', { content: 'x'.repeat(1001) })).status).toBe(400);
    expect((await api('POST', '/api/v1/memories', { content: 'ok', extra: 1 })).status).toBe(400);
    expect((await api('PUT', '/api/v1/settings/memory', { enabled: 'yes' })).status).toBe(400);
    expect((await rawRequest(t.api.url, 'GET', '/api/v1/memories')).status).toBe(401);
    expect((await listMemories()).memories).toEqual([]);
  });

  it('person and group scopes: listed by owner, created with the id their scope needs, moved (promoted to global) with PATCH', async () => {
    const GROUP = 'telegram:-1001234';
    // Memories name real people (PERSON_NOT_FOUND otherwise): two members by their Telegram chats.
    const pAlice = (await t.client.createSession({ channel: 'telegram', peerId: '31001' })).person!.id;
    const pBob = (await t.client.createSession({ channel: 'telegram', peerId: '31002' })).person!.id;
    const pCarol = (await t.client.createSession({ channel: 'telegram', peerId: '31003' })).person!.id;
    const alice = await api<MemoryDecision>('POST', '/api/v1/memories', { content: 'Alice plays the oboe', scope: 'person', personId: pAlice });
    expect(alice.status).toBe(201);
    expect(alice.json.memory).toMatchObject({ scope: 'person', personId: pAlice, groupId: null, projectId: null });
    const club = await api<MemoryDecision>('POST', '/api/v1/memories', { content: 'The club meets at the school', scope: 'group', groupId: GROUP });
    expect(club.json.memory).toMatchObject({ scope: 'group', groupId: GROUP, personId: null });
    await api('POST', '/api/v1/memories', { content: 'The office closes at six' });
    const ids = async (query: string) => (await listMemories(query)).memories.map((m) => m.content).sort();
    expect(await ids(`?scope=person&personId=${pAlice}`)).toEqual(['Alice plays the oboe']);
    expect(await ids(`?personId=${pAlice}`)).toEqual(['Alice plays the oboe']);
    expect(await ids(`?personId=${pBob}`)).toEqual([]);
    expect(await ids('?scope=person')).toEqual(['Alice plays the oboe']);
    expect(await ids(`?groupId=${encodeURIComponent(GROUP)}`)).toEqual(['The club meets at the school']);
    expect(await ids('?scope=group')).toEqual(['The club meets at the school']);
    expect(await ids('?scope=global')).toEqual(['The office closes at six']);

    // Inconsistent filters and bodies: coded 400s that change nothing.
    for (const query of [`?personId=${pAlice}&groupId=telegram:-1`, `?scope=global&personId=${pAlice}`, '?scope=person&groupId=telegram:-1', '?scope=group&projectId=alpha', `?personId=${pAlice}&projectId=alpha`]) {
      const r = await api('GET', `/api/v1/memories${query}`);
      expect({ query, status: r.status, code: r.json.error?.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    const badCreates: Array<[Record<string, unknown>, string]> = [
      [{ content: 'User likes tea', scope: 'person' }, 'personId'],
      [{ content: 'User likes tea', scope: 'group' }, 'groupId'],
      [{ content: 'User likes tea', scope: 'group', groupId: 'no-channel' }, 'groupId'],
      [{ content: 'User likes tea', personId: pAlice }, 'personId'],
      [{ content: 'User likes tea', scope: 'project', projectId: 'alpha', personId: pAlice }, 'personId'],
    ];
    for (const [body, field] of badCreates) {
      const r = await api('POST', '/api/v1/memories', body);
      expect({ body, status: r.status, error: r.json.error }).toMatchObject({ body, status: 400, error: { code: 'VALIDATION_FAILED', details: { field } } });
    }
    expect((await api('PATCH', `/api/v1/memories/${alice.json.memory!.id}`, { scope: 'group' })).json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'groupId' } });
    expect((await api('PATCH', `/api/v1/memories/${alice.json.memory!.id}`, { scope: 'global', personId: pAlice })).status).toBe(400);
    expect((await listMemories()).memories).toHaveLength(3);

    // Promote Alice's memory: everyone's now. Bob's copy cannot follow it there (nor be added again).
    const bob = await api<MemoryDecision>('POST', '/api/v1/memories', { content: 'Alice plays the oboe', scope: 'person', personId: pBob });
    expect(bob.status).toBe(201);
    const promoted = await api<Memory>('PATCH', `/api/v1/memories/${alice.json.memory!.id}`, { scope: 'global' });
    expect(promoted.status).toBe(200);
    expect(promoted.json).toMatchObject({ id: alice.json.memory!.id, scope: 'global', personId: null });
    expect((await api('POST', '/api/v1/memories', { content: 'Alice plays the oboe', scope: 'person', personId: pCarol })).json.error).toMatchObject({
      code: 'MEMORY_REJECTED',
      details: { reason: 'DUPLICATE' },
    });
    const clash = await api('PATCH', `/api/v1/memories/${bob.json.memory!.id}`, { scope: 'global' });
    expect(clash.status).toBe(422);
    expect(clash.json.error).toMatchObject({ code: 'MEMORY_REJECTED', details: { reason: 'DUPLICATE', existingId: alice.json.memory!.id } });
    const moved = await api<Memory>('PATCH', `/api/v1/memories/${club.json.memory!.id}`, { scope: 'person', personId: pBob, content: 'Bob meets the club at the school' });
    expect(moved.json).toMatchObject({ scope: 'person', personId: pBob, groupId: null, content: 'Bob meets the club at the school' });
    expect(await ids(`?personId=${pBob}`)).toEqual(['Alice plays the oboe', 'Bob meets the club at the school']);
    expect(await ids('?scope=group')).toEqual([]);
  });

  it("the owner's turns read the owner's memories and global ones, never another person's or a group's", async () => {
    const pAlice = (await t.client.createSession({ channel: 'telegram', peerId: '31001' })).person!.id;
    expect((await api('POST', '/api/v1/memories', { content: 'Alice keeps bees on the roof', scope: 'person', personId: pAlice })).status).toBe(201);
    await api('POST', '/api/v1/memories', { content: 'The owner keeps bees at the lake', scope: 'person', personId: 'owner' });
    await api('POST', '/api/v1/memories', { content: 'The club keeps bees at the school', scope: 'group', groupId: 'telegram:-1001234' });
    await api('POST', '/api/v1/memories', { content: 'Everyone keeps bees in May' });
    const system = systemOf(await turn((await newSession()).id, 'Where do I keep my bees? roof lake school May'));
    expect(system).toContain('The owner keeps bees at the lake (person)');
    expect(system).toContain('Everyone keeps bees in May (global)');
    expect(system).not.toContain('Alice');
    expect(system).not.toContain('club');
  });
});

describe('memory with the offline model (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    // No provider configured: the built-in offline model answers every call, extraction included.
    t = await startTestApi({ config: () => ({}) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('degrades gracefully: the turn works, extraction logs "no JSON array", nothing is stored', async () => {
    const memory = t.api.app.get(MemoryService);
    const s = await t.client.createSession({ channel: 'api', peerId: 'offline-memory' });
    const before = memory.metrics().queue.enqueued;
    const r = await t.client.sendMessage(s.id, { text: 'I live in Lisbon and I love jazz.', wait: true });
    expect(r.reply!.status).toBe('complete');
    await eventually(() => memory.metrics().queue.enqueued, (n) => n > before, 'the turn to reach the memory queue');
    await memory.flush();
    expect(memory.metrics().extraction).toMatchObject({ runs: 1, failures: 0, emptyResponses: 1 });
    const list = await rawRequest(t.api.url, 'GET', '/api/v1/memories', { headers: auth });
    expect(list.json).toEqual({ memories: [] });
    expect((await t.client.sendMessage(s.id, { text: 'and again', wait: true })).reply!.status).toBe('complete');
  });
});
