import type { ToolContext, TurnSpeaker } from '@switchboard/models';
import { openMemoryTestDb, type MemoryTestDb } from '../testing/memory-test-db';
import type { MemoryLogger } from '../queue/debounce-queue';
import { MemoryService, filterFor, type MemoryModelClient } from './memory.service';
import { memoryTools } from './memory-tools';
import { memoryCommand } from './memory-command';

const OWNER: TurnSpeaker = { personId: 'owner', role: 'owner' };
const ALICE: TurnSpeaker = { personId: 'p-alice', role: 'member' };
const BOB: TurnSpeaker = { personId: 'p-bob', role: 'member' };
const GROUP = 'telegram:-1001234';

const json = (...memories: Array<Record<string, unknown>>) => JSON.stringify({ memories });
const fact = (content: string, extra: Record<string, unknown> = {}) => ({ content, scope: 'global', confidence: 0.9, ...extra });

/** Memory scopes with an owner: whose a fact is, who reads it, who may change it. */
describe('memory scopes with an owner', () => {
  let db: MemoryTestDb;
  let svc: MemoryService;
  let prompts: string[];
  let logs: string[];
  let turnNo = 0;

  beforeEach(async () => {
    db = await openMemoryTestDb();
    prompts = [];
    logs = [];
    const push = (obj: object, msg?: string) => void logs.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
    const logger: MemoryLogger = { debug: push, info: push, warn: push, error: push };
    // Extraction answers from a script: the first rule whose text occurs in the prompt wins.
    const rules: Array<[string, string]> = [
      ['I live in Lisbon', json(fact('User lives in Lisbon'))],
      ['I live in Porto', json(fact('User lives in Porto'))],
      ['I live in Oslo', json(fact('User lives in Oslo'))],
      ['meet on Thursdays', json(fact('The team meets on Thursdays'))],
      ['deploys to Fly', json(fact('The service deploys to Fly.io', { scope: 'project' }))],
    ];
    const model: MemoryModelClient = {
      async generate(req) {
        const user = req.messages.at(-1)!.content;
        prompts.push(user);
        return { text: rules.find(([m]) => user.includes(m))?.[1] ?? '{"memories":[]}', usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0 }, costUsd: 0 };
      },
    };
    svc = new MemoryService({ store: db.store, settings: db.settings, model, extractionModelId: () => 'quick', logger, debounceMs: 10_000 });
  });
  afterEach(async () => {
    await svc.close();
    await db.close();
  });

  /** One turn through the hooks (prepare, completed, extraction); returns the injected section and the turn id. */
  const turn = async (speaker: TurnSpeaker | null, userText: string, where: { groupId?: string | null; projectId?: string | null; sessionId?: string } = {}) => {
    const sessionId = where.sessionId ?? `s-${speaker?.personId ?? 'nobody'}-${where.groupId ?? 'dm'}`;
    const ctx = { sessionId, turnId: `t${++turnNo}`, projectId: where.projectId ?? null, speaker, groupId: where.groupId ?? null, userText, userMessageId: `m${turnNo}` };
    const prepared = await svc.prepareTurn(ctx);
    await svc.turnCompleted({ ...ctx, reply: { content: 'OK.' } });
    await svc.flush(sessionId);
    return prepared.system ?? '';
  };
  const contents = async (query: Parameters<MemoryService['list']>[0]) => (await svc.list(query)).map((m) => m.content).sort();
  const toolCtx = (speaker: TurnSpeaker | null, over: Partial<ToolContext> = {}): ToolContext => ({
    sessionId: 's',
    turnId: `tool-${++turnNo}`,
    channel: 'telegram',
    peerId: 'p',
    projectId: null,
    speaker,
    groupId: null,
    ...over,
  });

  describe('extraction writes a fact to whoever said it', () => {
    it("a member's fact is the member's, the owner's the owner's, a group's the group's; never global", async () => {
      await turn(ALICE, 'By the way, I live in Lisbon.');
      await turn(OWNER, 'By the way, I live in Porto.');
      await turn(BOB, 'We meet on Thursdays at ten.', { groupId: GROUP });
      expect(await svc.list({ personId: 'p-alice' })).toMatchObject([{ content: 'User lives in Lisbon', scope: 'person', personId: 'p-alice', groupId: null }]);
      expect(await svc.list({ personId: 'owner' })).toMatchObject([{ content: 'User lives in Porto', scope: 'person', personId: 'owner' }]);
      expect(await svc.list({ groupId: GROUP })).toMatchObject([{ content: 'The team meets on Thursdays', scope: 'group', groupId: GROUP, personId: null }]);
      expect(await svc.list({ scope: 'global' })).toEqual([]);
      expect(await svc.list({ personId: 'p-bob' })).toEqual([]);
    });

    it("a project fact goes to the conversation's project, whoever says it", async () => {
      await turn(ALICE, 'Our service deploys to Fly.io on Fridays.', { projectId: 'alpha' });
      expect(await svc.list({})).toMatchObject([{ scope: 'project', projectId: 'alpha', personId: null }]);
    });

    it('an unknown speaker in a private conversation: nothing is extracted, and the log says why; in a group the group owns it', async () => {
      await turn(null, 'By the way, I live in Oslo.');
      expect(prompts).toEqual([]);
      expect(logs.some((l) => l.startsWith('speaker unknown in a private conversation: nothing extracted'))).toBe(true);
      await turn(null, 'We meet on Thursdays.', { groupId: GROUP });
      expect(await contents({ groupId: GROUP })).toEqual(['The team meets on Thursdays']);
    });

    it("one person's fact is not a duplicate of another's: both keep their own", async () => {
      await turn(ALICE, 'By the way, I live in Lisbon.');
      await turn(BOB, 'By the way, I live in Lisbon.');
      expect(await contents({ personId: 'p-alice' })).toEqual(['User lives in Lisbon']);
      expect(await contents({ personId: 'p-bob' })).toEqual(['User lives in Lisbon']);
    });
  });

  describe('retrieval for a turn', () => {
    beforeEach(async () => {
      await svc.createFromUser({ content: 'Alice has a cat named Tom', scope: 'person', personId: 'p-alice' });
      await svc.createFromUser({ content: 'Bob has a cat named Felix', scope: 'person', personId: 'p-bob' });
      await svc.createFromUser({ content: 'The owner has a cat named Luna', scope: 'person', personId: 'owner' });
      await svc.createFromUser({ content: 'The club cat is named Mittens', scope: 'group', groupId: GROUP });
      await svc.createFromUser({ content: 'Every cat gets a vet check in May', scope: 'global' });
    });
    const ask = 'What is the name of my cat? cat named vet';

    it("a member's turn never sees another member's or the owner's memories; global reaches everyone", async () => {
      const forAlice = await turn(ALICE, ask);
      expect(forAlice).toContain('Alice has a cat named Tom');
      expect(forAlice).toContain('Every cat gets a vet check in May');
      for (const other of ['Felix', 'Luna', 'Mittens']) expect(forAlice).not.toContain(other);
      const forBob = await turn(BOB, ask);
      expect(forBob).toContain('Felix');
      for (const other of ['Tom', 'Luna', 'Mittens']) expect(forBob).not.toContain(other);
      const forOwner = await turn(OWNER, ask);
      expect(forOwner).toContain('Luna');
      expect(forOwner).toContain('Every cat gets a vet check in May');
      for (const other of ['Tom', 'Felix', 'Mittens']) expect(forOwner).not.toContain(other);
      expect(svc.metrics().retrieval.scopeViolations).toBe(0);
    });

    it("a group turn gets the group's memories and global, and not the speaker's personal ones", async () => {
      for (const speaker of [ALICE, OWNER, null]) {
        const inGroup = await turn(speaker, ask, { groupId: GROUP });
        expect(inGroup).toContain('The club cat is named Mittens');
        expect(inGroup).toContain('Every cat gets a vet check in May');
        for (const personal of ['Tom', 'Felix', 'Luna']) expect(inGroup).not.toContain(personal);
      }
      expect(await turn(ALICE, ask, { groupId: 'telegram:-999' })).not.toContain('Mittens');
    });

    it('an unknown speaker in a private conversation gets only what is shared', async () => {
      const system = await turn(null, ask);
      expect(system).toContain('Every cat gets a vet check in May');
      for (const other of ['Tom', 'Felix', 'Luna', 'Mittens']) expect(system).not.toContain(other);
    });

    it("the extractor is shown only the speaker's own known memories", async () => {
      await turn(ALICE, 'By the way, I live in Lisbon. My cat is named Tom.');
      expect(prompts.at(-1)).toContain('Alice has a cat named Tom');
      expect(prompts.at(-1)).not.toContain('Felix');
    });
  });

  describe('tools', () => {
    const tools = () => memoryTools(svc);

    it("B cannot see or forget A's memory; A can forget their own", async () => {
      const a = (await svc.createFromUser({ content: 'Alice plays the oboe', scope: 'person', personId: 'p-alice' })).memory!;
      const [search, , forget] = tools();
      expect((await search.execute({ query: 'oboe' }, toolCtx(BOB))).memories).toEqual([]);
      expect(await forget.execute({ id: a.id }, toolCtx(BOB))).toEqual({ forgotten: false });
      expect(await forget.execute({ id: a.id }, toolCtx(null))).toEqual({ forgotten: false });
      // Not even in a group both are in, nor as the owner (the owner's turn reads the owner's memories only).
      expect(await forget.execute({ id: a.id }, toolCtx(BOB, { groupId: GROUP }))).toEqual({ forgotten: false });
      expect(await forget.execute({ id: a.id }, toolCtx(OWNER))).toEqual({ forgotten: false });
      expect(await contents({ personId: 'p-alice' })).toEqual(['Alice plays the oboe']);
      expect((await search.execute({ query: 'oboe' }, toolCtx(ALICE))).memories.map((m) => m.id)).toEqual([a.id]);
      expect(await forget.execute({ id: a.id }, toolCtx(ALICE))).toEqual({ forgotten: true });
      expect(await svc.list({})).toEqual([]);
    });

    it("a member forgets their group's memories, never global or project ones; the owner may", async () => {
      const g = (await svc.createFromUser({ content: 'The club meets at the school', scope: 'group', groupId: GROUP })).memory!;
      const shared = (await svc.createFromUser({ content: 'The office closes at six', scope: 'global' })).memory!;
      const project = (await svc.createFromUser({ content: 'The repo uses pnpm', scope: 'project', projectId: 'alpha' })).memory!;
      const [, , forget] = tools();
      expect(await forget.execute({ id: shared.id }, toolCtx(ALICE))).toEqual({ forgotten: false });
      expect(await forget.execute({ id: project.id }, toolCtx(ALICE, { projectId: 'alpha' }))).toEqual({ forgotten: false });
      expect(await forget.execute({ id: g.id }, toolCtx(ALICE))).toEqual({ forgotten: false });
      expect(await forget.execute({ id: g.id }, toolCtx(ALICE, { groupId: 'telegram:-999' }))).toEqual({ forgotten: false });
      expect(await forget.execute({ id: g.id }, toolCtx(ALICE, { groupId: GROUP }))).toEqual({ forgotten: true });
      expect(await forget.execute({ id: project.id }, toolCtx(OWNER, { projectId: 'alpha' }))).toEqual({ forgotten: true });
      expect(await forget.execute({ id: shared.id }, toolCtx(OWNER))).toEqual({ forgotten: true });
    });

    it('save goes to the speaker (the group in a group); only the owner saves global; a member is refused NOT_ALLOWED', async () => {
      const [, save] = tools();
      expect(await save.execute({ content: 'User plays the oboe' }, toolCtx(ALICE))).toMatchObject({ saved: true, action: 'accepted' });
      expect(await save.execute({ content: 'The club meets on Mondays' }, toolCtx(ALICE, { groupId: GROUP }))).toMatchObject({ saved: true });
      expect(await save.execute({ content: 'The office closes at six', scope: 'global' }, toolCtx(ALICE))).toEqual({ saved: false, action: 'rejected', reason: 'NOT_ALLOWED', id: null });
      expect(await save.execute({ content: 'The club is in Lisbon', scope: 'group' }, toolCtx(ALICE))).toMatchObject({ saved: false, reason: 'NOT_ALLOWED' });
      expect(await save.execute({ content: 'User plays the drums' }, toolCtx(null))).toMatchObject({ saved: false, reason: 'NOT_ALLOWED' });
      expect(await save.execute({ content: 'The office closes at six', scope: 'global' }, toolCtx(OWNER))).toMatchObject({ saved: true });
      expect(await contents({ personId: 'p-alice' })).toEqual(['User plays the oboe']);
      expect(await contents({ groupId: GROUP })).toEqual(['The club meets on Mondays']);
      expect(await contents({ scope: 'global' })).toEqual(['The office closes at six']);
    });

    it('without a speaker in the tool context, the speaker and group the turn was prepared with apply', async () => {
      await svc.createFromUser({ content: 'Alice plays the oboe', scope: 'person', personId: 'p-alice' });
      await svc.prepareTurn({ sessionId: 's', turnId: 'prepared', projectId: null, speaker: ALICE, groupId: null, userText: 'I also play the flute', userMessageId: 'm' });
      const [search, save] = tools();
      const ctx = { sessionId: 's', turnId: 'prepared', channel: 'telegram', peerId: 'p', projectId: null };
      expect((await search.execute({ query: 'oboe' }, ctx)).memories.map((m) => m.content)).toEqual(['Alice plays the oboe']);
      expect(await save.execute({ content: 'User plays the flute' }, ctx)).toMatchObject({ saved: true });
      expect(await contents({ personId: 'p-alice' })).toEqual(['Alice plays the oboe', 'User plays the flute']);
    });
  });

  describe('/memory', () => {
    beforeEach(async () => {
      await svc.createFromUser({ content: 'Alice plays the oboe', scope: 'person', personId: 'p-alice' });
      await svc.createFromUser({ content: 'Bob plays the drums', scope: 'person', personId: 'p-bob' });
      await svc.createFromUser({ content: 'The club meets at the school', scope: 'group', groupId: GROUP });
      await svc.createFromUser({ content: 'The office closes at six', scope: 'global' });
      await svc.createFromUser({ content: 'The repo uses pnpm', scope: 'project', projectId: 'alpha' });
    });
    const run = (speaker: TurnSpeaker | null, over: { groupId?: string | null; projectId?: string | null; argText?: string } = {}) =>
      memoryCommand(svc)
        .run({ sessionId: 's', projectId: over.projectId ?? null, speaker, groupId: over.groupId ?? null, args: over.argText ? [over.argText] : [], argText: over.argText ?? '' })
        .then((r) => r.text);

    it("lists only what the speaker may see, each line labelled with whose it is; B never sees A's", async () => {
      const forBob = await run(BOB, { projectId: 'alpha' });
      expect(forBob).toMatch(/What I remember \(3\)/);
      expect(forBob).toContain('Bob plays the drums — yours');
      expect(forBob).toContain('The office closes at six — global — shared with everyone');
      expect(forBob).toContain('The repo uses pnpm — project alpha');
      for (const hidden of ['oboe', 'school']) expect(forBob).not.toContain(hidden);
      expect(await run(BOB, { argText: 'oboe' })).toBe('Nothing remembered matches "oboe".');
    });

    it("in a group: the group's memories, the project's and global; nobody's personal ones", async () => {
      const inGroup = await run(ALICE, { groupId: GROUP });
      expect(inGroup).toMatch(/What I remember \(2\)/);
      expect(inGroup).toContain('The club meets at the school — group');
      expect(inGroup).toContain('The office closes at six — global');
      expect(inGroup).not.toContain('oboe');
      expect(inGroup).not.toContain('drums');
    });
  });

  describe('management (the owner\'s API)', () => {
    it('lists by scope and owner; inconsistent filters are VALIDATION_FAILED', async () => {
      await svc.createFromUser({ content: 'Alice plays the oboe', scope: 'person', personId: 'p-alice' });
      await svc.createFromUser({ content: 'Bob plays the drums', scope: 'person', personId: 'p-bob' });
      await svc.createFromUser({ content: 'The club meets at the school', scope: 'group', groupId: GROUP });
      expect(await contents({ scope: 'person' })).toEqual(['Alice plays the oboe', 'Bob plays the drums']);
      expect(await contents({ scope: 'person', personId: 'p-bob' })).toEqual(['Bob plays the drums']);
      expect(await contents({ personId: 'p-alice', q: 'oboe drums' })).toEqual(['Alice plays the oboe']);
      expect(await contents({ scope: 'group' })).toEqual(['The club meets at the school']);
      expect(filterFor({ personId: 'x' })).toEqual({ scope: 'person', personId: 'x' });
      expect(filterFor({ groupId: GROUP })).toEqual({ scope: 'group', groupId: GROUP });
      expect(filterFor({ scope: 'project' })).toEqual({ scope: 'project', projectId: null });
      expect(filterFor({})).toEqual({ scope: 'all' });
      for (const bad of [
        { scope: 'global' as const, personId: 'x' },
        { scope: 'person' as const, groupId: GROUP },
        { scope: 'group' as const, projectId: 'alpha' },
        { personId: 'x', groupId: GROUP },
        { personId: 'x', projectId: 'alpha' },
      ]) {
        expect(() => filterFor(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
      }
    });

    it('create needs the id its scope has, and no other; a member actor never creates global or for someone else', async () => {
      const refused = (body: Parameters<MemoryService['createFromUser']>[0], actor?: TurnSpeaker) => svc.createFromUser(body, actor);
      await expect(refused({ content: 'User likes tea', scope: 'person' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'personId' } });
      await expect(refused({ content: 'User likes tea', scope: 'group' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'groupId' } });
      await expect(refused({ content: 'User likes tea', scope: 'group', groupId: 'no-channel' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'groupId' } });
      await expect(refused({ content: 'User likes tea', scope: 'person', personId: 'x', groupId: GROUP })).rejects.toMatchObject({ details: { field: 'groupId' } });
      await expect(refused({ content: 'User likes tea', personId: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'personId' } });
      await expect(refused({ content: 'User likes tea' }, ALICE)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(refused({ content: 'User likes tea', scope: 'person', personId: 'p-bob' }, ALICE)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect((await refused({ content: 'User likes tea', scope: 'person' }, ALICE)).memory).toMatchObject({ scope: 'person', personId: 'p-alice' });
      expect((await refused({ content: 'User likes coffee' }, OWNER)).memory).toMatchObject({ scope: 'global' });
      expect(await svc.list({})).toHaveLength(2);
    });

    it('PATCH moves a memory (promote to global), checking duplicates where it lands; a member cannot promote', async () => {
      const a = (await svc.createFromUser({ content: 'The office closes at six', scope: 'person', personId: 'p-alice' })).memory!;
      const b = (await svc.createFromUser({ content: 'The office closes at six', scope: 'person', personId: 'p-bob' })).memory!;
      await expect(svc.update(a.id, { scope: 'global' }, ALICE)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(svc.update(a.id, { content: 'The office closes at seven' }, BOB)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(svc.update(a.id, { scope: 'person' })).resolves.toMatchObject({ personId: 'p-alice' });
      await expect(svc.update(a.id, { scope: 'group' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'groupId' } });
      await expect(svc.update(a.id, { scope: 'global', personId: 'p-alice' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'personId' } });
      expect(await svc.update(a.id, { scope: 'global' })).toMatchObject({ id: a.id, scope: 'global', personId: null });
      // Bob's copy cannot join it there: global already says it.
      await expect(svc.update(b.id, { scope: 'global' })).rejects.toMatchObject({ code: 'MEMORY_REJECTED', details: { reason: 'DUPLICATE', existingId: a.id } });
      expect(await svc.update(b.id, { personId: 'owner' })).toMatchObject({ scope: 'person', personId: 'owner' });
      expect(await svc.update(b.id, { scope: 'group', groupId: GROUP, content: 'The club closes at six' })).toMatchObject({ scope: 'group', groupId: GROUP, personId: null, content: 'The club closes at six' });
      expect((await db.store.history(b.id)).map((h) => [h.action, h.reason])).toEqual([
        ['created', 'NEW'],
        ['updated', 'USER_MOVE'],
        ['updated', 'USER_MOVE'],
      ]);
      // Everyone reads the promoted one now.
      expect(await turn(BOB, 'When does the office close? six')).toContain('The office closes at six (global)');
    });

    it("reassignPerson moves a person's memories to another person, merging exact duplicates", async () => {
      await svc.createFromUser({ content: 'User lives in Lisbon', scope: 'person', personId: 'p-tg-owner' });
      await svc.createFromUser({ content: 'User plays chess', scope: 'person', personId: 'p-tg-owner' });
      await svc.createFromUser({ content: 'user plays chess.', scope: 'person', personId: 'owner' });
      expect(await svc.reassignPerson('p-tg-owner', 'owner')).toBe(2);
      expect(await contents({ personId: 'owner' })).toEqual(['User lives in Lisbon', 'user plays chess.']);
      expect(await svc.list({ personId: 'p-tg-owner' })).toEqual([]);
      expect(await turn(OWNER, 'Where do I live? Lisbon')).toContain('User lives in Lisbon');
    });
  });
});
