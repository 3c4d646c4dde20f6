import { createSessionHarness, type SessionHarness } from '../testing/session-harness';
import { TEST_DIALECTS } from '../testing/test-database';

/** The session list builds every view with batched lookups: its query count does not grow with the number of sessions. */
describe.each(TEST_DIALECTS)('session list on %s', (dialect) => {
  let h: SessionHarness;

  beforeEach(async () => {
    h = await createSessionHarness({ dialect });
  });
  afterEach(() => h.close());

  // Sessions with and without an override and a queue, so every lookup has rows to find.
  async function seed(n: number, from = 0): Promise<void> {
    for (let i = from; i < from + n; i++) {
      const s = await h.engine.createSession({ channel: 'api', peerId: `list-${i}` });
      if (i % 3 === 0) await h.engine.setSessionModel(s.id, 'quick');
      if (i % 4 === 0) await h.repo.queue.enqueue({ sessionId: s.id, text: `queued ${i}`, modelConfigId: 'quick', modelSource: 'session' });
    }
  }

  const listStatements = async () => {
    const { result, statements } = await h.db.countStatements(() => h.engine.listSessions({ limit: 100 }));
    return { sessions: result, statements };
  };

  it('runs the same number of SQL statements for 1 session as for 50', async () => {
    await seed(1);
    const one = await listStatements();
    expect(one.sessions).toHaveLength(1);

    await seed(49, 1);
    const fifty = await listStatements();
    expect(fifty.sessions).toHaveLength(50);

    expect(one.statements.length).toBeGreaterThan(0);
    expect(fifty.statements).toHaveLength(one.statements.length);
  });

  it('shows each session exactly as the single-session read does', async () => {
    await seed(12);
    const listed = await h.engine.listSessions();
    expect(listed).toHaveLength(12);
    for (const view of listed) expect(view).toEqual(await h.engine.getSession(view.id));
    expect(listed.filter((s) => s.modelOverride === 'quick')).toHaveLength(4);
    expect(listed.filter((s) => s.queueLength === 1)).toHaveLength(3);
    expect(listed.filter((s) => s.queueLength === 0 && s.modelOverride === null)).toHaveLength(6);
  });

  it('lists nothing without a query beyond the sessions one', async () => {
    const { sessions, statements } = await listStatements();
    expect(sessions).toEqual([]);
    expect(statements).toHaveLength(1);
  });
});
