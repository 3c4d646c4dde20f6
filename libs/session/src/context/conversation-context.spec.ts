import { Delegator } from '../delegation/delegator';
import { silentLogger, type ModelStreamer } from '../engine/engine.types';
import { ModelChoice } from '../sessions/model-choice';
import { SessionEvents } from '../sessions/session-events';
import { createSessionHarness, type SessionHarness } from '../testing/session-harness';
import { ConversationContext, DEFAULT_SYSTEM_PROMPT } from './conversation-context';
import { TEST_DIALECTS } from '../testing/test-database';

/** A turn's history and its compaction, over real stores; the compaction role answers through the fake LLM. */
describe.each(TEST_DIALECTS)('ConversationContext on %s', (dialect) => {
  let h: SessionHarness;

  beforeAll(async () => {
    h = await createSessionHarness({
      dialect,
      start: false,
      config: {
        compaction: { thresholdPct: 50, keepTurns: 2, summaryMaxTokens: 100 },
        agents: [{ name: 'pirate', match: { channel: 'telegram', peer: '42' }, systemPrompt: 'Talk like a pirate.' }],
      },
    });
    h.fake.addRule({ match: 'Conversation:', reply: 'SUMMARY: the user counted to four.' });
  });
  afterAll(() => h.close());

  function contextOver(streamer: ModelStreamer): ConversationContext {
    const choice = new ModelChoice(h.catalog, h.config);
    const views = new SessionEvents({ repo: h.repo, catalog: h.catalog, choice, events: h.events, log: silentLogger });
    const delegator = new Delegator({ streamer, catalog: h.catalog, repo: h.repo, limits: h.config.limits, log: silentLogger });
    return new ConversationContext({ repo: h.repo, catalog: h.catalog, config: h.config, choice, delegator, views, log: silentLogger });
  }

  async function conversation(peerId: string, turns: number): Promise<string> {
    const { session } = await h.repo.sessions.getOrCreate({ channel: 'api', peerId });
    for (let i = 1; i <= turns; i++) {
      await h.repo.messages.append({ sessionId: session.id, role: 'user', kind: 'text', content: `count ${i} ` + 'word '.repeat(20) });
      await h.repo.messages.append({ sessionId: session.id, role: 'assistant', kind: 'text', content: `${i}` });
    }
    return session.id;
  }

  it('sends the whole history, uncompacted, while it fits under the threshold', async () => {
    const sessionId = await conversation('c1', 2);
    const r = await contextOver(h.streamer).contextFor(sessionId, null, 'sys', 100_000, false, silentLogger);
    expect(r.compacted).toBeNull();
    expect(r.summary).toBeNull();
    expect(r.history).toHaveLength(4);
  });

  it('past the threshold, summarises the older turns by the compaction role and keeps the last keepTurns verbatim', async () => {
    const sessionId = await conversation('c2', 4);
    const ctx = contextOver(h.streamer);
    const r = await ctx.contextFor(sessionId, null, 'sys', 200, false, silentLogger);
    expect(r.summary).toBe('SUMMARY: the user counted to four.');
    expect(r.history.map((m) => m.content.split(' ')[0] + (m.role === 'user' ? ' ' + m.content.split(' ')[1] : ''))).toEqual(['count 3', '3', 'count 4', '4']);
    expect(r.compacted).toMatchObject({ kind: 'compaction', content: 'Compacted 4 earlier messages into a summary (Fake Quick); the full history is kept.' });
    // The usage is the compaction role's, and the next turn starts from the stored summary.
    expect((await h.repo.usage.summary(sessionId)).delegation).toHaveProperty('compaction');
    const next = await ctx.contextFor(sessionId, null, 'sys', 100_000, false, silentLogger);
    expect(next).toMatchObject({ summary: 'SUMMARY: the user counted to four.', compacted: null });
    expect(next.history).toHaveLength(4);
  });

  it('falls back to the extractive summary when the role has no usable model', async () => {
    const sessionId = await conversation('c3', 3);
    const noDelegation: ModelStreamer = { stream: () => Promise.reject(new Error('not used')) };
    const r = await contextOver(noDelegation).contextFor(sessionId, null, 'sys', 100_000, true, silentLogger);
    expect(r.compacted?.content).toBe('Compacted 2 earlier messages into a summary; the full history is kept.');
    expect(r.summary).toContain('count 1');
  });

  it('/compact forces it; nothing to compact on a one-turn conversation; the routed agent prompt is the system prompt', async () => {
    const ctx = contextOver(h.streamer);
    expect(await ctx.compact(await conversation('c4', 1))).toBeNull();
    expect(await ctx.compact(await conversation('c5', 3))).toMatchObject({ kind: 'compaction' });
    expect(ctx.systemPromptFor({ agent: null, channel: 'telegram', peerId: '42' })).toBe('Talk like a pirate.');
    expect(ctx.systemPromptFor({ agent: null, channel: 'web', peerId: '42' })).toBe(h.config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT);
  });
});
