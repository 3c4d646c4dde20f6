import { ModelChoice } from '../sessions/model-choice';
import { TITLE_PENDING_KEY } from '../delegation/titles';
import { createSessionHarness, type SessionHarness } from '../testing/session-harness';
import { startTurn } from './start-turn';
import { TEST_DIALECTS } from '../testing/test-database';

/** The one entry of every turn: the engine-drift check, then the stored messages, in the claim transaction. */
describe.each(TEST_DIALECTS)('startTurn on %s', (dialect) => {
  let h: SessionHarness;
  let choice: ModelChoice;

  beforeAll(async () => {
    h = await createSessionHarness({ dialect, start: false });
    choice = new ModelChoice(h.catalog, h.config);
  });
  afterAll(() => h.close());

  async function start(sessionId: string, text: string, modelConfigId: string, source: 'session' | 'global' | 'explicit' = 'session') {
    return h.repo.transaction(async (tx) => {
      const claimed = (await tx.sessions.claim(sessionId, `turn-${text}`))!;
      const started = await startTurn({ catalog: h.catalog, choice }, tx, claimed, `turn-${text}`, text, { modelConfigId, source, warnings: [] }, null);
      await tx.sessions.update(sessionId, { status: 'idle', currentTurnId: null });
      return started;
    });
  }

  it('stores the user and a streaming assistant message with the model and its source; no switch on a first turn', async () => {
    const { session } = await h.repo.sessions.getOrCreate({ channel: 'api', peerId: 'st1' });
    const started = await start(session.id, 'hello there\nsecond line', 'main', 'global');
    expect(started.switchMessage).toBeNull();
    expect(started.userMessage).toMatchObject({ role: 'user', content: 'hello there\nsecond line' });
    expect(started.assistantMessage).toMatchObject({ role: 'assistant', status: 'streaming', modelConfigId: 'main', modelSource: 'global', modelLabel: 'Fake Main' });
    expect(started.session).toMatchObject({ lastModelConfigId: 'main', title: 'hello there' });
    // The title comes from the first line for now; a generated one replaces it after the turn.
    expect(started.titlePending).toBe(true);
    expect(await h.repo.config.get(session.id, TITLE_PENDING_KEY)).toBe('1');
  });

  it('records an engine switch, with the shared source label as its reason, when the provider or model changes', async () => {
    const { session } = await h.repo.sessions.getOrCreate({ channel: 'api', peerId: 'st2' });
    await start(session.id, 'one', 'main');
    const started = await start(session.id, 'two', 'claude', 'session');
    expect(started.switchEvent).toMatchObject({ from: { modelConfigId: 'main' }, to: { modelConfigId: 'claude', providerType: 'anthropic' }, reason: 'session override' });
    expect(started.switchMessage).toMatchObject({ kind: 'engine_switch', content: 'Switched from Fake Main to Fake Claude (session override).' });
    // The switch note comes before the turn's own messages in history.
    const kinds = (await h.repo.messages.list(session.id, {})).map((m) => m.kind);
    expect(kinds.slice(-3)).toEqual(['engine_switch', 'text', 'text']);
  });

  it('records no switch when the model stays the same, and names a model removed from the catalog', async () => {
    const { session } = await h.repo.sessions.getOrCreate({ channel: 'api', peerId: 'st3' });
    await start(session.id, 'one', 'quick');
    expect((await start(session.id, 'two', 'quick')).switchMessage).toBeNull();
    await h.repo.sessions.update(session.id, { lastModelConfigId: 'retired' });
    const started = await start(session.id, 'three', 'quick', 'explicit');
    expect(started.switchEvent).toMatchObject({ from: { provider: 'removed', label: 'retired (removed)' }, reason: 'chosen for this message' });
  });
});
