import {
  clearMessages,
  emptySessionList,
  findSession,
  mergeMessageEvent,
  mergeQueueEvent,
  mergeSessionEvent,
  mergeSessionSnapshot,
  prependEarlier,
  reconcileMessages,
  startStreamingMessage,
  type MessagesCache,
  type QueueCache,
  type SessionListCache,
} from './cache-merge';
import { iso, message, queued, session } from './testing/fixtures';

const ev = (kind: Parameters<typeof mergeSessionEvent>[1]['kind'], s: ReturnType<typeof session>) => ({ kind, session: s, version: s.version });

describe('mergeSessionEvent', () => {
  const list = (...sessions: ReturnType<typeof session>[]): SessionListCache => ({ sessions, deleted: {} });

  it('applies a newer event and keeps the list newest-activity first', () => {
    const a = session({ id: 'a', lastActivityAt: iso(10) });
    const b = session({ id: 'b', lastActivityAt: iso(5) });
    const next = mergeSessionEvent(list(a, b), ev('status_change', { ...b, version: 2, status: 'running', lastActivityAt: iso(20) }));
    expect(next.sessions.map((s) => [s.id, s.status])).toEqual([
      ['b', 'running'],
      ['a', 'idle'],
    ]);
  });

  it('drops a duplicate event and returns the very same cache', () => {
    const a = session({ id: 'a', version: 3, title: 'Fresh' });
    const cache = list(a);
    expect(mergeSessionEvent(cache, ev('title_change', { ...a }))).toBe(cache);
  });

  it('never lets an older event overwrite fresher data', () => {
    const cache = list(session({ id: 'a', version: 5, title: 'New title', modelOverride: 'quick' }));
    const stale = mergeSessionEvent(cache, ev('model_change', session({ id: 'a', version: 4, title: 'Old title', modelOverride: null })));
    expect(stale).toBe(cache);
    expect(findSession(stale, 'a')).toMatchObject({ title: 'New title', modelOverride: 'quick' });
  });

  it('ends in the newest state whatever order the events arrive in', () => {
    const versions = [2, 3, 4, 5];
    const events = versions.map((v) => ev('status_change', session({ id: 'a', version: v, status: v % 2 ? 'running' : 'idle', title: `v${v}` })));
    const orders = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
      [2, 0, 3, 1, 3, 0],
    ];
    for (const order of orders) {
      const end = order.reduce((c, i) => mergeSessionEvent(c, events[i]), list(session({ id: 'a', version: 1 })));
      expect(findSession(end, 'a')).toMatchObject({ version: 5, title: 'v5', status: 'running' });
    }
  });

  it('adds a session it has never seen (a conversation started from another door)', () => {
    const next = mergeSessionEvent(undefined, ev('created', session({ id: 'tg', channel: 'telegram' })));
    expect(next.sessions.map((s) => s.id)).toEqual(['tg']);
  });

  it('removes a deleted session and keeps a tombstone so late events cannot resurrect it', () => {
    const a = session({ id: 'a', version: 3 });
    const afterDelete = mergeSessionEvent(list(a, session({ id: 'b' })), ev('deleted', { ...a, version: 4 }));
    expect(afterDelete.sessions.map((s) => s.id)).toEqual(['b']);
    expect(afterDelete.deleted).toEqual({ a: 4 });
    const late = mergeSessionEvent(afterDelete, ev('status_change', { ...a, version: 4, status: 'running' }));
    expect(late).toBe(afterDelete);
    const older = mergeSessionEvent(afterDelete, ev('title_change', { ...a, version: 2 }));
    expect(older).toBe(afterDelete);
  });

  it('records a deletion of an unknown session, and ignores a stale delete', () => {
    const tomb = mergeSessionEvent(emptySessionList, ev('deleted', session({ id: 'ghost', version: 7 })));
    expect(tomb).toEqual({ sessions: [], deleted: { ghost: 7 } });
    const cache = list(session({ id: 'a', version: 9 }));
    expect(mergeSessionEvent(cache, ev('deleted', session({ id: 'a', version: 8 })))).toBe(cache);
  });

  it('uses the event version when it is ahead of the embedded session', () => {
    const next = mergeSessionEvent(list(session({ id: 'a', version: 1 })), { kind: 'queue_change', session: session({ id: 'a', version: 1, queueLength: 2 }), version: 2 });
    expect(findSession(next, 'a')).toMatchObject({ version: 2, queueLength: 2 });
  });
});

describe('mergeSessionSnapshot', () => {
  it('takes newer sessions from a REST read and keeps newer cached ones', () => {
    const cache: SessionListCache = {
      sessions: [session({ id: 'a', version: 5, title: 'cached newer' }), session({ id: 'b', version: 1, title: 'cached older' })],
      deleted: {},
    };
    const next = mergeSessionSnapshot(cache, [session({ id: 'a', version: 4, title: 'stale read' }), session({ id: 'b', version: 2, title: 'fresh read' })]);
    expect(findSession(next, 'a')!.title).toBe('cached newer');
    expect(findSession(next, 'b')!.title).toBe('fresh read');
  });

  it('accepts an equal version with different derived fields (the global default changed)', () => {
    const before = session({ id: 'a', version: 3 });
    const cache: SessionListCache = { sessions: [before], deleted: {} };
    const after = { ...before, effectiveModel: { modelConfigId: 'claude', source: 'global' as const, label: 'Fake Claude', warnings: [] } };
    expect(findSession(mergeSessionSnapshot(cache, [after]), 'a')!.effectiveModel.modelConfigId).toBe('claude');
    expect(mergeSessionSnapshot(cache, [{ ...before }])).toBe(cache);
  });

  it('keeps sessions the snapshot does not mention, and honours tombstones', () => {
    const cache: SessionListCache = { sessions: [session({ id: 'new', version: 1, lastActivityAt: iso(50) })], deleted: { gone: 3 } };
    const next = mergeSessionSnapshot(cache, [session({ id: 'gone', version: 3 }), session({ id: 'old', lastActivityAt: iso(1) })]);
    expect(next.sessions.map((s) => s.id)).toEqual(['new', 'old']);
  });

  it('starts a cache from nothing', () => {
    expect(mergeSessionSnapshot(undefined, [session({ id: 'x' })]).sessions).toHaveLength(1);
  });
});

describe('mergeQueueEvent', () => {
  const q = (version: number, ...ids: string[]) => ({ sessionId: 's1', version, queue: ids.map((id, i) => queued({ id, position: i + 1 })) });

  it('replaces the queue with a newer one (items leave in order)', () => {
    const cache: QueueCache = q(3, 'a', 'b', 'c');
    expect(mergeQueueEvent(cache, q(4, 'b', 'c')).queue.map((x) => x.id)).toEqual(['b', 'c']);
  });

  it('drops an older queue and returns the same cache for a duplicate', () => {
    const cache: QueueCache = q(5, 'b');
    expect(mergeQueueEvent(cache, q(4, 'a', 'b'))).toBe(cache);
    expect(mergeQueueEvent(cache, q(5, 'b'))).toBe(cache);
  });

  it('accepts a different queue at the same version (both are whole snapshots)', () => {
    const cache: QueueCache = q(5, 'a', 'b');
    expect(mergeQueueEvent(cache, q(5, 'b')).queue.map((x) => x.id)).toEqual(['b']);
  });

  it('applies out-of-order events to the newest state', () => {
    const events = [q(2, 'a'), q(3, 'a', 'b'), q(4, 'b'), q(5)];
    const end = [events[2], events[0], events[3], events[1]].reduce<QueueCache | undefined>((c, e) => mergeQueueEvent(c, e), undefined);
    expect(end).toMatchObject({ version: 5, queue: [] });
  });

  it('adopts the queue of a conversation it has not loaded, and ignores another conversation', () => {
    expect(mergeQueueEvent(undefined, q(1, 'a')).queue).toHaveLength(1);
    const cache: QueueCache = q(1, 'a');
    expect(mergeQueueEvent(cache, { ...q(9), sessionId: 'other' })).toBe(cache);
  });
});

describe('message merging', () => {
  const cacheOf = (...messages: ReturnType<typeof message>[]): MessagesCache => ({ messages, touched: {} });
  const turnStarted = { sessionId: 's1', turnId: 't1', messageId: 'm3', modelConfigId: 'quick', modelSource: 'session' as const, modelLabel: 'Fake Quick', warnings: [] };

  it('ignores events for a history that was never loaded', () => {
    expect(mergeMessageEvent(undefined, message({ id: 'x', seq: 1 }), 1)).toBeUndefined();
    expect(startStreamingMessage(undefined, turnStarted, 1)).toBeUndefined();
  });

  it('adds a streaming placeholder once, then completes it in place', () => {
    const start = cacheOf(message({ id: 'm1', seq: 1 }), message({ id: 'm2', seq: 2, role: 'user' }));
    const streaming = startStreamingMessage(start, turnStarted, 100)!;
    expect(streaming.messages.at(-1)).toMatchObject({ id: 'm3', status: 'streaming', modelLabel: 'Fake Quick', modelSource: 'session', seq: 3 });
    expect(startStreamingMessage(streaming, turnStarted, 101)).toBe(streaming);
    const done = mergeMessageEvent(streaming, message({ id: 'm3', seq: 3, role: 'assistant', status: 'complete', content: 'All done' }), 200)!;
    expect(done.messages.map((m) => [m.id, m.status])).toEqual([
      ['m1', 'complete'],
      ['m2', 'complete'],
      ['m3', 'complete'],
    ]);
  });

  it('never turns a completed message back into a streaming one', () => {
    const done = cacheOf(message({ id: 'm1', seq: 1, role: 'assistant', content: 'final' }));
    const late = mergeMessageEvent(done, message({ id: 'm1', seq: 1, role: 'assistant', status: 'streaming', content: 'fin' }), 5);
    expect(late).toBe(done);
  });

  it('returns the same cache for a duplicate message event', () => {
    const m = message({ id: 'm1', seq: 1 });
    const cache = cacheOf(m);
    expect(mergeMessageEvent(cache, { ...m }, 9)).toBe(cache);
  });

  it('orders system events and messages by seq whatever order they arrive in', () => {
    let cache: MessagesCache | undefined = cacheOf();
    for (const seq of [3, 1, 2]) cache = mergeMessageEvent(cache, message({ id: `m${seq}`, seq, kind: seq === 2 ? 'engine_switch' : 'text' }), seq);
    expect(cache!.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
  });
});

describe('earlier pages of history', () => {
  const page = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message({ id: `m${from + i}`, seq: from + i }));

  it('prependEarlier puts an earlier page in front, in seq order, without duplicating what is there', () => {
    const cache: MessagesCache = { messages: page(5, 8), touched: { m8: 3 } };
    const next = prependEarlier(cache, [...page(2, 5)].reverse())!;
    expect(next.messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(next.messages.find((m) => m.id === 'm5')).toBe(cache.messages[0]);
    expect(next.touched).toBe(cache.touched);
    expect(prependEarlier(cache, page(6, 7))).toBe(cache);
    expect(prependEarlier(undefined, page(1, 2))).toBeUndefined();
  });

  it('a refetch of the latest page keeps the earlier pages the user loaded', () => {
    const cache: MessagesCache = { messages: page(1, 8), touched: {} };
    const next = reconcileMessages(cache, page(5, 9), 10, { complete: false });
    expect(next.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a refetch that is the whole history drops what the server no longer has (a reset)', () => {
    const cache: MessagesCache = { messages: page(1, 8), touched: {} };
    const afterReset = [message({ id: 'fresh', seq: 1 })];
    expect(reconcileMessages(cache, afterReset, 10, { complete: true }).messages.map((m) => m.id)).toEqual(['fresh']);
    expect(reconcileMessages(cache, afterReset, 10).messages.map((m) => m.id)).toEqual(['fresh']);
  });
});

describe('reconcileMessages (a REST read meets pushed events)', () => {
  it('takes the fetched history when nothing happened meanwhile, and keeps references when equal', () => {
    const fetched = [message({ id: 'a', seq: 1 }), message({ id: 'b', seq: 2 })];
    const first = reconcileMessages(undefined, fetched, 10);
    expect(first.messages.map((m) => m.id)).toEqual(['a', 'b']);
    expect(reconcileMessages(first, fetched.map((m) => ({ ...m })), 20)).toBe(first);
  });

  it('keeps messages pushed after the read started, and drops ones the server no longer has (/reset)', () => {
    const cache: MessagesCache = {
      messages: [message({ id: 'old', seq: 1 }), message({ id: 'pushed', seq: 3 })],
      touched: { pushed: 50 },
    };
    const next = reconcileMessages(cache, [message({ id: 'kept', seq: 2 })], 40);
    expect(next.messages.map((m) => m.id)).toEqual(['kept', 'pushed']);
  });

  it('keeps a reply completed by an event over the streaming copy of a slower read', () => {
    const cache: MessagesCache = { messages: [message({ id: 'r', seq: 1, role: 'assistant', content: 'Full reply' })], touched: { r: 5 } };
    const next = reconcileMessages(cache, [message({ id: 'r', seq: 1, role: 'assistant', status: 'streaming', content: 'Full' })], 10);
    expect(next.messages[0]).toMatchObject({ status: 'complete', content: 'Full reply' });
  });

  it('keeps the longer text of an in-flight reply (nothing streamed is lost on resync)', () => {
    const cache: MessagesCache = { messages: [message({ id: 'r', seq: 1, role: 'assistant', status: 'streaming', content: '' })], touched: { r: 50 } };
    const next = reconcileMessages(cache, [message({ id: 'r', seq: 1, role: 'assistant', status: 'streaming', content: 'partial text' })], 40);
    expect(next.messages[0]).toMatchObject({ status: 'streaming', content: 'partial text' });
  });

  it('lets a newer read complete a message the cache still has as streaming', () => {
    const cache: MessagesCache = { messages: [message({ id: 'r', seq: 1, status: 'streaming', content: 'par' })], touched: { r: 1 } };
    const next = reconcileMessages(cache, [message({ id: 'r', seq: 1, content: 'partial, then complete' })], 10);
    expect(next.messages[0]).toMatchObject({ status: 'complete', content: 'partial, then complete' });
  });

  it('clearMessages empties a loaded history and ignores an unloaded one', () => {
    expect(clearMessages({ messages: [message({ id: 'a', seq: 1 })], touched: { a: 1 } })).toEqual({ messages: [], touched: {} });
    expect(clearMessages(undefined)).toBeUndefined();
  });
});
