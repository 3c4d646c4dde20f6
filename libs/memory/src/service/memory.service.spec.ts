import { MEMORY_TEST_DIALECTS, openMemoryTestDb, type MemoryTestDb, type MemoryTestDialect } from '../testing/memory-test-db';
import type { MemoryLogger } from '../queue/debounce-queue';
import { MemoryService, type MemoryModelClient, type MemoryServiceOptions, type MemoryUsage } from './memory.service';
import { memoryTools } from './memory-tools';
import { memoryCommand } from './memory-command';

/** A model that answers extraction prompts from a script: the first rule whose text occurs in the prompt wins. */
function scriptedModel(rules: Array<[string, string]>) {
  const prompts: Array<{ system?: string; user: string }> = [];
  const model: MemoryModelClient = {
    async generate(req) {
      const user = req.messages.at(-1)!.content;
      prompts.push({ system: req.system, user });
      const rule = rules.find(([match]) => user.includes(match));
      return { text: rule ? rule[1] : `Echo: ${user}`, usage: { inputTokens: 100, outputTokens: 20, cachedTokens: 0 }, costUsd: 0.001 };
    },
  };
  return { model, prompts };
}

function logCollector() {
  const lines: string[] = [];
  const push = (obj: object, msg?: string) => lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  const logger: MemoryLogger = { debug: push, info: push, warn: push, error: push };
  return { lines, logger };
}

/** The owner, speaking in a private conversation (what every turn was before people existed). */
const OWNER = { personId: 'owner', role: 'owner' as const };
const json = (...memories: Array<Record<string, unknown>>) => JSON.stringify({ memories });
const fact = (content: string, extra: Record<string, unknown> = {}) => ({ content, scope: 'global', confidence: 0.9, ...extra });

// The gate's duplicate search, scopes and deletes on both databases the store runs on.
describe.each(MEMORY_TEST_DIALECTS)('MemoryService (%s)', (dialect: MemoryTestDialect) => {
  let db: MemoryTestDb;
  let svc: MemoryService;
  let notices: Array<{ sessionId: string; text: string; ids: string[] }>;
  let usage: MemoryUsage[];
  let logs: ReturnType<typeof logCollector>;
  let script: ReturnType<typeof scriptedModel>;
  let turnNo = 0;

  const make = async (rules: Array<[string, string]>, over: Partial<MemoryServiceOptions> = {}) => {
    script = scriptedModel(rules);
    svc = new MemoryService({
      store: db.store,
      settings: db.settings,
      model: script.model,
      extractionModelId: () => 'quick',
      recordUsage: (u) => usage.push(u),
      notify: async (sessionId, text, ids) => {
        notices.push({ sessionId, text, ids });
      },
      logger: logs.logger,
      debounceMs: 10_000,
      ...over,
    });
  };

  /** Runs one turn through the hooks: prepare (injection), then completed (queued), then flush. */
  const turn = async (sessionId: string, projectId: string | null, userText: string, reply = 'OK.') => {
    const ctx = { sessionId, turnId: `t${++turnNo}`, projectId, speaker: OWNER, userText, userMessageId: `m${turnNo}` };
    const prepared = await svc.prepareTurn(ctx);
    await svc.turnCompleted({ ...ctx, reply: { content: reply } });
    await svc.flush(sessionId);
    return prepared.system ?? '';
  };

  beforeEach(async () => {
    db = await openMemoryTestDb({ dialect });
    notices = [];
    usage = [];
    logs = logCollector();
  });
  afterEach(async () => {
    await svc?.close();
    await db.close();
  });

  it('extracts from the user turn, stores, announces and records usage', async () => {
    await make([['I live in Lisbon', json(fact('User lives in Lisbon', { category: 'bio', tags: ['home'] }))]]);
    await turn('s1', null, 'By the way, I live in Lisbon.');
    const [m] = await svc.list({});
    // The owner's fact is the owner's (before people existed it was global: shared with everyone).
    expect(m).toMatchObject({ content: 'User lives in Lisbon', scope: 'person', personId: 'owner', source: 'extracted', sourceSessionId: 's1', sourceMessageId: 'm1', tags: ['home'] });
    expect(notices).toEqual([{ sessionId: 's1', text: 'Remembered: User lives in Lisbon', ids: [m.id] }]);
    expect(usage).toEqual([{ sessionId: 's1', role: 'memory_extraction', modelConfigId: 'quick', inputTokens: 100, outputTokens: 20, cachedTokens: 0, costUsd: 0.001 }]);
    expect(script.prompts[0].user).toContain('[user] By the way, I live in Lisbon.');
    expect(logs.lines.some((l) => l.startsWith('memory accepted: NEW'))).toBe(true);
  });

  describe('a conversation deleted before its extraction ran', () => {
    const completeTurn = async (sessionId: string, userText: string) => {
      const ctx = { sessionId, turnId: `t${++turnNo}`, projectId: null, speaker: OWNER, userText, userMessageId: `m${turnNo}` };
      await svc.prepareTurn(ctx);
      await svc.turnCompleted({ ...ctx, reply: { content: 'OK.' } });
    };

    it('drops its pending turns: the model never reads them and nothing is saved; other conversations go on', async () => {
      await make([
        ['I live in Lisbon', json(fact('User lives in Lisbon'))],
        ['I play the cello', json(fact('User plays the cello'))],
      ]);
      await completeTurn('gone', 'By the way, I live in Lisbon.');
      await completeTurn('stays', 'I play the cello on Sundays.');
      svc.turnHook().sessionDeleted('gone');
      await svc.flush();
      expect(script.prompts.some((p) => p.user.includes('Lisbon'))).toBe(false);
      expect((await svc.list({})).map((m) => m.content)).toEqual(['User plays the cello']);
      expect(logs.lines.some((l) => l.includes('its pending memory extraction was dropped'))).toBe(true);
    });

    it('saves nothing from a batch that was already running when the conversation was deleted', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await make([]);
      const original = script.model.generate.bind(script.model);
      const called = new Promise<void>((resolve) => {
        script.model.generate = async (req) => {
          resolve();
          await held;
          return { ...(await original(req)), text: json(fact('User lives in Lisbon')) };
        };
      });
      await completeTurn('gone', 'By the way, I live in Lisbon.');
      const flushed = svc.flush('gone');
      await called;
      svc.turnHook().sessionDeleted('gone');
      release();
      await flushed;
      expect(await svc.list({})).toEqual([]);
      expect(usage).toEqual([]);
      expect(notices).toEqual([]);
    });
  });

  it('injects global plus the session project memories into the system prompt as a delimited section', async () => {
    await make([]);
    await svc.createFromUser({ content: 'User prefers metric units', scope: 'global' });
    await svc.createFromUser({ content: 'The API is written in Kotlin', scope: 'project', projectId: 'A' });
    const system = await turn('s1', 'A', 'How should I write the API units?');
    expect(system).toMatch(/^<memory>\n[\s\S]*\n<\/memory>$/);
    expect(system).toContain('User prefers metric units (global)');
    expect(system).toContain('The API is written in Kotlin (project)');
  });

  describe('junk memories', () => {
    it('stores the fact and drops the junk, with reasons logged', async () => {
      await make([
        [
          'my daughter',
          json(fact('User asked about birthday ideas'), fact('User has a daughter named Mia'), fact('User said thanks'), fact('User is maybe ok', { confidence: 0.3 })),
        ],
      ]);
      await turn('s1', null, 'I need birthday ideas for my daughter Mia, thanks!');
      expect((await svc.list({})).map((m) => m.content)).toEqual(['User has a daughter named Mia']);
      expect(svc.metrics().reasons).toMatchObject({ JUNK: 2, LOW_CONFIDENCE: 1, NEW: 1 });
    });

    it('degrades gracefully when the model answers without JSON (the offline model): logs why, stores nothing', async () => {
      await make([]);
      await turn('s1', null, 'I am a vegetarian and I love Thai food.');
      expect(await svc.list({})).toEqual([]);
      expect(logs.lines.some((l) => l.startsWith('no memory candidates: no JSON array'))).toBe(true);
      expect(svc.metrics().extraction).toMatchObject({ runs: 1, failures: 0, emptyResponses: 1 });
    });

    it('logs the per-reason counts when every candidate is filtered', async () => {
      await make([['vegetarian', json(fact('User is vegetarian', { confidence: 0.1 }), fact('x'.repeat(1001)))]]);
      await turn('s1', null, 'I am a vegetarian.');
      const line = logs.lines.find((l) => l.startsWith('no memory candidates: all filtered'))!;
      expect(JSON.parse(line.slice(line.indexOf('{')))).toMatchObject({ outcome: 'all_filtered', found: 2, dropped: { LOW_CONFIDENCE: 1, TOO_LONG: 1 } });
    });
  });

  describe('duplicate memories', () => {
    it('replaying a conversation creates no duplicates', async () => {
      await make([['tabs', json(fact('User prefers tabs over spaces'), fact('User writes Go at work'))]]);
      await turn('s1', null, 'I prefer tabs over spaces and I write Go at work.');
      await turn('s2', null, 'I prefer tabs over spaces and I write Go at work.');
      expect((await svc.list({})).map((m) => m.content).sort()).toEqual(['User prefers tabs over spaces', 'User writes Go at work']);
      expect(svc.metrics().reasons).toMatchObject({ NEW: 2 });
      expect((svc.metrics().reasons.ALREADY_KNOWN ?? 0) + (svc.metrics().reasons.DUPLICATE ?? 0)).toBe(2);
    });

    it('never re-extracts memories that were injected into the prompt', async () => {
      await make([['Lisbon', json(fact('User lives in Lisbon'))]]);
      await svc.createFromUser({ content: 'User lives in Lisbon' });
      await turn('s1', null, 'What is the weather like in Lisbon, where I live?');
      expect(script.prompts[0].user).toMatch(/Known memories[^\n]*\n- \[[0-9a-f-]+\] \(global\) User lives in Lisbon/);
      expect(svc.metrics().reasons).toMatchObject({ ALREADY_KNOWN: 1 });
      expect(await svc.list({})).toHaveLength(1);
      expect(notices).toEqual([]);
    });

    it('merges a richer statement into the existing memory instead of adding one', async () => {
      await make([['oat milk', json(fact('User drinks coffee with oat milk'))]]);
      // The owner's own fact (a global one is shared with everyone: the owner's turns never rewrite it).
      const first = await svc.createFromUser({ content: 'User drinks coffee', scope: 'person', personId: 'owner' });
      await turn('s1', null, 'I drink my coffee with oat milk.');
      expect((await svc.list({})).map((m) => [m.id, m.content])).toEqual([[first.memory!.id, 'User drinks coffee with oat milk']]);
      expect((await db.store.history(first.memory!.id)).map((h) => h.action)).toEqual(['created', 'merged']);
    });
  });

  describe('contradictions kept side by side', () => {
    it('a contradiction supersedes the old memory: kept in history, out of retrieval', async () => {
      await make([['moved to Porto', json(fact('User lives in Porto'))]]);
      const old = await svc.createFromUser({ content: 'User lives in Lisbon', scope: 'person', personId: 'owner' });
      await turn('s1', null, 'Big news: I moved to Porto last week.');
      expect((await svc.list({})).map((m) => m.content)).toEqual(['User lives in Porto']);
      const system = await turn('s2', null, 'Where do I live?');
      expect(system).toContain('Porto');
      expect(system).not.toContain('Lisbon');
      expect((await db.store.history(old.memory!.id)).map((h) => h.action)).toEqual(['created', 'superseded']);
    });

    it('an update naming its target supersedes that memory', async () => {
      const existing = { id: '' };
      await make([['Helix', '']]);
      existing.id = (await svc.createFromUser({ content: 'User uses Neovim as their editor', scope: 'person', personId: 'owner' })).memory!.id;
      await make([['Helix', json(fact('User switched to Helix as their editor', { target: existing.id }))]]);
      await turn('s1', null, 'I switched to Helix as my editor.');
      expect((await svc.list({})).map((m) => m.content)).toEqual(['User switched to Helix as their editor']);
      expect(svc.metrics().reasons).toMatchObject({ UPDATED: 1 });
    });
  });

  describe('deletes that don\'t delete', () => {
    it('a deleted memory is gone from every query, the prompt, the index and the history', async () => {
      await make([]);
      const saved = await svc.createFromUser({ content: 'User collects Quetzalcoatl figurines' });
      await svc.update(saved.memory!.id, { content: 'User collects rare Quetzalcoatl figurines' });
      await svc.remove(saved.memory!.id);
      expect(await svc.list({})).toEqual([]);
      expect(await svc.list({ q: 'Quetzalcoatl figurines' })).toEqual([]);
      expect(await turn('s1', null, 'Tell me about Quetzalcoatl figurines')).toBe('');
      expect(await db.dump()).not.toMatch(/quetzalcoatl/i);
      await expect(svc.remove(saved.memory!.id)).rejects.toMatchObject({ code: 'MEMORY_NOT_FOUND' });
      // The same fact can be stated again afterwards: it is not "already known".
      expect((await svc.createFromUser({ content: 'User collects Quetzalcoatl figurines' })).action).toBe('accepted');
    });
  });

  describe('memories leaking across scopes', () => {
    it('project A memories never reach a project B turn, the B tools or a project-less session', async () => {
      await make([['every Friday', json(fact('The service deploys to Fly.io', { scope: 'project' }))]]);
      await turn('sa', 'A', 'Our service deploys to Fly.io every Friday.');
      const [a] = await svc.list({ projectId: 'A' });
      expect(a).toMatchObject({ scope: 'project', projectId: 'A' });
      expect(await turn('sb', 'B', 'Where does the service deploy to? Fly.io?')).not.toContain('Fly.io');
      expect(await turn('sn', null, 'Where does the service deploy to? Fly.io?')).not.toContain('Fly.io');
      const [search, , forget] = memoryTools(svc);
      const toolCtx = { sessionId: 'sb', turnId: 'tx', channel: 'api', peerId: 'p', projectId: 'B', speaker: OWNER };
      expect((await search.execute({ query: 'deploy Fly.io' }, toolCtx)).memories).toEqual([]);
      expect(await forget.execute({ id: a.id }, toolCtx)).toEqual({ forgotten: false });
      expect(await svc.list({ projectId: 'B' })).toEqual([]);
      expect(await svc.list({ scope: 'global' })).toEqual([]);
      expect((await svc.list({ projectId: 'A' })).map((m) => m.id)).toEqual([a.id]);
      expect(svc.metrics().retrieval.scopeViolations).toBe(0);
    });

    it('the project of a memory is the session\'s, never the model\'s', async () => {
      await make([['pnpm', json(fact('The repo uses pnpm', { scope: 'project', projectId: 'B' }))]]);
      await turn('sa', 'A', 'The repo uses pnpm.');
      expect((await svc.list({ scope: 'project' })).map((m) => m.projectId)).toEqual(['A']);
    });
  });

  describe('assistant text stored as user facts', () => {
    it('rejects a fact that only the assistant said', async () => {
      await make([['Japan', json(fact('User lives in Osaka'), fact('User is planning a trip to Japan'))]]);
      await turn('s1', null, 'Any tips for my trip to Japan?', 'Sure! Since you live in Osaka and love sushi, try Kyoto.');
      expect((await svc.list({})).map((m) => m.content)).toEqual(['User is planning a trip to Japan']);
      expect(svc.metrics().reasons).toMatchObject({ NOT_FROM_USER: 1 });
      expect(script.prompts[0].user).toContain('[assistant — context only, not a source] Sure!');
    });
  });

  describe('secrets stored', () => {
    it('a secret is never stored, logged or sent to the extractor', async () => {
      await make([['wifi', json(fact('User wifi password is sunshine42'), fact('User has a home wifi network'))]]);
      await turn('s1', null, 'My wifi password is sunshine42, I set up a home wifi network.');
      expect(script.prompts[0].user).not.toContain('sunshine42');
      expect((await svc.list({})).map((m) => m.content)).toEqual(['User has a home wifi network']);
      await expect(svc.createFromUser({ content: 'My API key is sk-proj-Abc123def456ghi789jkl012' })).rejects.toMatchObject({
        code: 'MEMORY_REJECTED',
        details: { reason: 'SECRET', kind: 'api_key' },
      });
      const saved = (await svc.list({}))[0];
      await expect(svc.update(saved.id, { content: 'The card is 4111 1111 1111 1111' })).rejects.toMatchObject({ details: { reason: 'SECRET' } });
      const dump = await db.dump();
      for (const secret of ['sunshine42', 'sk-proj', '4111']) {
        expect(dump).not.toContain(secret);
        expect(logs.lines.join('\n')).not.toContain(secret);
      }
      expect(logs.lines.some((l) => l.startsWith('memory rejected: SECRET') && l.includes('"detail":"password"'))).toBe(true);
    });
  });

  describe('settings', () => {
    it('silent mode saves without announcing; disabled neither injects nor extracts', async () => {
      await make([['sourdough', json(fact('User bakes sourdough bread'))]]);
      await svc.updateSettings({ silent: true });
      await turn('s1', null, 'I bake sourdough bread every weekend.');
      expect(await svc.list({})).toHaveLength(1);
      expect(notices).toEqual([]);
      await svc.updateSettings({ enabled: false });
      expect(await turn('s2', null, 'What bread do I bake? sourdough?')).toBe('');
      expect(script.prompts).toHaveLength(1);
      expect(await memoryTools(svc)[1].execute({ content: 'User likes rye bread' }, { sessionId: 's2', turnId: 'x', channel: 'api', peerId: 'p', projectId: null })).toMatchObject({
        saved: false,
        reason: 'DISABLED',
      });
    });

    it('respects a per-turn veto (an agent profile with memory off), tools included', async () => {
      await make([['sourdough', json(fact('User bakes sourdough bread'))]], { allowed: (ctx) => ctx.sessionId !== 'nomem' });
      await svc.createFromUser({ content: 'User likes rye bread' });
      expect(await turn('nomem', null, 'I bake sourdough bread every weekend, and rye bread too.')).toBe('');
      expect(script.prompts).toHaveLength(0);
      // Tools run during a turn: between prepare and completed.
      await svc.prepareTurn({ sessionId: 'nomem', turnId: 'tool-turn', projectId: null, speaker: OWNER, userText: 'remember rye bread', userMessageId: 'm' });
      const [search, save] = memoryTools(svc);
      const ctx = { sessionId: 'nomem', turnId: 'tool-turn', channel: 'api', peerId: 'p', projectId: null };
      expect(await search.execute({ query: 'rye bread' }, ctx)).toEqual({ memories: [] });
      expect(await save.execute({ content: 'User bakes sourdough bread' }, ctx)).toMatchObject({ saved: false, reason: 'DISABLED' });
    });
  });

  describe('queue', () => {
    it('debounces turns of a session into one extraction and flushes on close', async () => {
      await make([['tennis', json(fact('User plays tennis on Sundays'), fact('User is learning Italian'))]]);
      for (const text of ['I play tennis on Sundays.', 'Also, I am learning Italian.']) {
        const ctx = { sessionId: 's1', turnId: `t${++turnNo}`, projectId: null, speaker: OWNER, userText: text, userMessageId: `m${turnNo}` };
        await svc.prepareTurn(ctx);
        await svc.turnCompleted({ ...ctx, reply: { content: 'Nice.' } });
      }
      expect(svc.metrics().queue).toMatchObject({ depth: 2, keys: 1 });
      await svc.close();
      expect(script.prompts).toHaveLength(1);
      expect(script.prompts[0].user).toMatch(/tennis[\s\S]*Italian/);
      expect(await svc.list({})).toHaveLength(2);
      expect(svc.metrics().queue).toMatchObject({ depth: 0, flushes: 1, drops: 0 });
    });

    it('merges overflowing turns into the batch instead of losing them', async () => {
      await make([['turn 5', json(fact('User has five cats'))]], { maxDepth: 2 });
      for (let i = 1; i <= 5; i++) {
        const ctx = { sessionId: 's1', turnId: `t${++turnNo}`, projectId: null, speaker: OWNER, userText: `turn ${i}: I have ${i} cats`, userMessageId: `m${turnNo}` };
        await svc.turnCompleted({ ...ctx, reply: { content: 'ok' } });
      }
      expect(svc.metrics().queue).toMatchObject({ depth: 2, drops: 3 });
      await svc.flush();
      for (let i = 1; i <= 5; i++) expect(script.prompts[0].user).toContain(`turn ${i}:`);
    });
  });

  describe('tools and command', () => {
    it('de-duplicates and finds memories in scripts without spaces (Japanese, Thai) by their words', async () => {
      await make([]);
      const [search, save] = memoryTools(svc);
      const ctx = { sessionId: 's1', turnId: 'cjk-turn', channel: 'api', peerId: 'p', projectId: null };
      const userText = '覚えておいて：私は東京都に住んでいます。それと、ฉันแพ้กุ้งมาก';
      await svc.prepareTurn({ sessionId: 's1', turnId: 'cjk-turn', projectId: null, speaker: OWNER, userText, userMessageId: 'm' });
      const ja = await save.execute({ content: '私は東京都に住んでいます' }, ctx);
      expect(ja).toMatchObject({ saved: true, reason: 'NEW' });
      const th = await save.execute({ content: 'ฉันแพ้กุ้งมาก' }, ctx);
      expect(th).toMatchObject({ saved: true, reason: 'NEW' });
      // The same words, re-punctuated or with another verb ending: no second memory.
      expect(await save.execute({ content: '私は、東京都に住んでいます。' }, ctx)).toMatchObject({ saved: false, reason: 'DUPLICATE' });
      expect(await save.execute({ content: '東京都に住んでいる' }, ctx)).toMatchObject({ saved: false, reason: expect.stringMatching(/DUPLICATE|ALREADY_KNOWN/) });
      expect((await search.execute({ query: '私はどこに住んでいますか？' }, ctx)).memories.map((m) => m.id)).toEqual([ja.id]);
      expect((await search.execute({ query: 'ฉันแพ้อะไร' }, ctx)).memories.map((m) => m.id)).toEqual([th.id]);
    });

    it('memory_save goes through the gate, memory_search finds, memory_forget hard-deletes', async () => {
      await make([]);
      const [search, save, forget] = memoryTools(svc);
      const ctx = { sessionId: 's1', turnId: 'tool-turn', channel: 'api', peerId: 'p', projectId: 'A' };
      await svc.prepareTurn({ sessionId: 's1', turnId: 'tool-turn', projectId: 'A', speaker: OWNER, userText: 'Remember that I run marathons', userMessageId: 'm' });
      const saved = await save.execute({ content: 'User runs marathons' }, ctx);
      expect(saved).toMatchObject({ saved: true, action: 'accepted', reason: 'NEW' });
      expect(await save.execute({ content: 'User runs marathons' }, ctx)).toMatchObject({ saved: false, reason: 'DUPLICATE' });
      expect(await save.execute({ content: 'User token is ghp_abcdefghijklmnopqrstuvwxyz0123456789' }, ctx)).toMatchObject({ saved: false, reason: 'SECRET' });
      expect(await save.execute({ content: 'User owns a yacht' }, ctx)).toMatchObject({ saved: false, reason: 'NOT_FROM_USER' });
      expect((await search.execute({ query: 'marathon running' }, ctx)).memories.map((m) => m.id)).toEqual([saved.id]);
      expect(await forget.execute({ id: saved.id! }, ctx)).toEqual({ forgotten: true });
      expect((await search.execute({ query: 'marathons' }, ctx)).memories).toEqual([]);
      expect(save.input.safeParse({ content: '' }).success).toBe(false);
    });

    it('/memory lists what the session can see', async () => {
      await make([]);
      const cmd = memoryCommand(svc);
      expect((await cmd.run({ sessionId: 's', projectId: 'A', args: [], argText: '' })).text).toBe('Nothing is remembered yet.');
      await svc.createFromUser({ content: 'User prefers metric units' });
      await svc.createFromUser({ content: 'The API is written in Kotlin', scope: 'project', projectId: 'A' });
      await svc.createFromUser({ content: 'The app is written in Swift', scope: 'project', projectId: 'B' });
      const text = (await cmd.run({ sessionId: 's', projectId: 'A', args: [], argText: '' })).text;
      expect(text).toMatch(/What I remember \(2\)/);
      expect(text).toContain('User prefers metric units — global');
      expect(text).toContain('The API is written in Kotlin — project A');
      expect(text).not.toContain('Swift');
      expect((await cmd.run({ sessionId: 's', projectId: 'A', args: ['kotlin'], argText: 'kotlin' })).text).toMatch(/matching "kotlin":\n• The API is written in Kotlin/);
    });
  });
});
