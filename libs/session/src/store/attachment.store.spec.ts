import { attachmentSchema, ErrorCode } from '@switchboard/protocol';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { AttachmentStore } from './attachment.store';
import { MessageStore } from './message.store';
import { SessionStore } from './session.store';

describe.each(TEST_DIALECTS)('AttachmentStore on %s', (dialect) => {
  let db: TestDatabase;
  let store: AttachmentStore;
  let sessions: SessionStore;
  let sessionId: string;
  let otherId: string;
  const bytes = (n: number, fill = 7) => Buffer.alloc(n, fill);
  const add = (data = bytes(10), id = sessionId) => store.create({ sessionId: id, name: 'f.png', mediaType: 'image/png', data });

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    store = new AttachmentStore(db.ds.manager);
    sessions = new SessionStore(db.ds.manager);
    sessionId = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session.id;
    otherId = (await sessions.getOrCreate({ channel: 'web', peerId: 'b' })).session.id;
  });
  afterEach(() => db.close());

  it('keeps metadata and bytes apart: the protocol shape, the exact bytes (binary, every value), only this session\'s', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const a = await add(all);
    expect(attachmentSchema.parse(a)).toEqual(a);
    expect(a).toMatchObject({ sessionId, status: 'pending', messageId: null, size: 256 });
    expect((await store.data([a.id])).get(a.id)!.equals(all)).toBe(true);
    expect(await store.get(otherId, a.id)).toBeNull();
    expect(await store.list(sessionId)).toEqual([a]);
    await expect(store.create({ sessionId: 'missing', name: 'x', mediaType: 'image/png', data: bytes(1) })).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
  });

  it('claims pending uploads once, all or none, in the order named', async () => {
    const [a, b] = [await add(), await add()];
    const claimed = await store.claim(sessionId, [b.id, a.id], null);
    expect(claimed.map((x) => [x.id, x.status])).toEqual([
      [b.id, 'queued'],
      [a.id, 'queued'],
    ]);
    await expect(store.claim(sessionId, [a.id], null)).rejects.toMatchObject({ code: ErrorCode.ATTACHMENT_IN_USE });
    const c = await add();
    await expect(store.claim(sessionId, [c.id, 'nope'], null)).rejects.toMatchObject({ code: ErrorCode.ATTACHMENT_NOT_FOUND });
    await expect(store.claim(otherId, [c.id], null)).rejects.toMatchObject({ code: ErrorCode.ATTACHMENT_NOT_FOUND });
    expect((await store.get(sessionId, c.id))!.status).toBe('pending');
    await expect(store.deletePending(sessionId, a.id)).rejects.toMatchObject({ code: ErrorCode.ATTACHMENT_IN_USE });
  });

  it('goes with the message that sent it and with its session (bytes too); the sweep takes only old unsent uploads', async () => {
    const messages = new MessageStore(db.ds.manager);
    const m = await messages.append({ sessionId, role: 'user', kind: 'text', content: 'look' });
    const sent = await add();
    await store.claim(sessionId, [sent.id], null);
    await store.bindQueued([sent.id], m.id);
    expect(await store.get(sessionId, sent.id)).toMatchObject({ status: 'sent', messageId: m.id });
    const pending = await add();
    const queued = await add();
    await store.claim(sessionId, [queued.id], null);

    expect(await store.sweepPending(new Date(Date.now() - 60_000).toISOString())).toBe(0);
    expect(await store.sweepPending(new Date(Date.now() + 60_000).toISOString())).toBe(1);
    expect(await store.get(sessionId, pending.id)).toBeNull();
    expect(await store.get(sessionId, queued.id)).not.toBeNull();

    await messages.clear(sessionId);
    expect(await store.get(sessionId, sent.id)).toBeNull();
    expect((await store.data([sent.id])).size).toBe(0);
    const elsewhere = await add(bytes(3), otherId);
    await db.ds.query(dialect === 'postgres' ? `DELETE FROM "sessions" WHERE "id" = $1` : `DELETE FROM "sessions" WHERE "id" = ?`, [sessionId]);
    expect(await store.count()).toBe(1);
    expect((await store.data([queued.id, elsewhere.id])).size).toBe(1);
  });
});
