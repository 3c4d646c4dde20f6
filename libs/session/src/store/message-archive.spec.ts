import { messageSchema } from '@switchboard/protocol';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { MessageStore } from './message.store';
import { SessionStore } from './session.store';

/** The archive a retry or an edit leaves: superseded messages are kept, listed, and out of every model's context. */
describe.each(TEST_DIALECTS)('MessageStore archive (supersedeFrom) on %s', (dialect) => {
  let db: TestDatabase;
  let messages: MessageStore;
  let sessionId: string;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    messages = new MessageStore(db.ds.manager);
    sessionId = (await new SessionStore(db.ds.manager).getOrCreate({ channel: 'web', peerId: 'arch' })).session.id;
  });
  afterEach(() => db.close());

  it('archives from a seq on, keeping text, the status before and the event; the conversation leaves them out', async () => {
    await messages.append({ sessionId, turnId: 't1', role: 'user', kind: 'text', content: 'one' });
    await messages.append({ sessionId, turnId: 't1', role: 'assistant', kind: 'text', content: 'reply one' });
    const two = await messages.append({ sessionId, turnId: 't2', role: 'user', kind: 'text', content: 'two' });
    const failed = await messages.append({ sessionId, turnId: 't2', role: 'assistant', kind: 'text', content: 'partial', status: 'interrupted' });
    const error = await messages.append({ sessionId, turnId: 't2', role: 'system', kind: 'turn_error', content: 'cut off', event: { error: 'boom' } });

    expect(await messages.userMessageOfTurn(sessionId, 't2')).toMatchObject({ id: two.id });
    expect(await messages.userMessageOfTurn(sessionId, 'nope')).toBeNull();

    const ids = await messages.supersedeFrom(sessionId, two.seq, { turnId: 't3', reason: 'retry' });
    expect(ids).toEqual([two.id, failed.id, error.id]);
    const all = await messages.list(sessionId);
    expect(all).toHaveLength(5);
    for (const m of all) expect(messageSchema.parse(m)).toEqual(m);
    expect(all.find((m) => m.id === failed.id)).toMatchObject({
      status: 'superseded',
      content: 'partial',
      event: { archived: { turnId: 't3', reason: 'retry', previousStatus: 'interrupted' } },
    });
    expect(all.find((m) => m.id === error.id)?.event).toMatchObject({ error: 'boom', archived: { previousStatus: 'complete' } });
    expect((await messages.conversation(sessionId)).map((l) => l.content)).toEqual(['one', 'reply one']);
    expect((await messages.lastAssistant(sessionId))?.content).toBe('reply one');

    // Archiving again never rewrites what is archived already.
    expect(await messages.supersedeFrom(sessionId, 1, { turnId: 't4', reason: 'edit' })).toHaveLength(2);
    expect((await messages.get(failed.id))?.event).toMatchObject({ archived: { turnId: 't3' } });
  });
});
