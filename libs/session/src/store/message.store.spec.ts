import { ErrorCode, messageSchema } from '@switchboard/protocol';
import { createTransactionRunner } from '@switchboard/persistence';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { MessageStore } from './message.store';
import { SessionStore } from './session.store';

describe.each(TEST_DIALECTS)('MessageStore on %s', (dialect) => {
  let db: TestDatabase;
  let messages: MessageStore;
  let sessionId: string;
  let otherId: string;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    messages = new MessageStore(db.ds.manager);
    const sessions = new SessionStore(db.ds.manager);
    sessionId = (await sessions.getOrCreate({ channel: 'web', peerId: 'a' })).session.id;
    otherId = (await sessions.getOrCreate({ channel: 'web', peerId: 'b' })).session.id;
  });
  afterEach(() => db.close());

  const text = (role: 'user' | 'assistant', content: string, id = sessionId) =>
    messages.append({ sessionId: id, role, kind: 'text', content });

  describe('append', () => {
    it('stores a minimal message with defaults, in the protocol shape', async () => {
      const m = await text('user', 'hello');
      expect(messageSchema.parse(m)).toEqual(m);
      expect(m).toMatchObject({
        sessionId,
        seq: 1,
        turnId: null,
        role: 'user',
        kind: 'text',
        content: 'hello',
        parts: [],
        status: 'complete',
        modelConfigId: null,
        modelSource: null,
        modelLabel: null,
        warnings: [],
        usage: null,
        event: null,
      });
      expect(await messages.get(m.id)).toEqual(m);
    });

    it('round-trips every field, JSON ones included', async () => {
      const m = await messages.append({
        sessionId,
        role: 'assistant',
        kind: 'text',
        content: 'answer',
        parts: [
          { type: 'text', text: 'answer' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { q: 'x' } },
        ],
        status: 'streaming',
        turnId: 'turn-1',
        modelConfigId: 'fast',
        modelSource: 'session',
        modelLabel: 'Fast',
        warnings: ['model x was disabled'],
        usage: { inputTokens: 10, outputTokens: 20, cachedTokens: 5, costUsd: 0.0125 },
        event: { from: 'a', to: 'b', nested: { n: 1 } },
      });
      expect(await messages.get(m.id)).toEqual(m);
      expect(m).toMatchObject({
        parts: [
          { type: 'text', text: 'answer' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { q: 'x' } },
        ],
        usage: { inputTokens: 10, outputTokens: 20, cachedTokens: 5, costUsd: 0.0125 },
        event: { from: 'a', to: 'b', nested: { n: 1 } },
        warnings: ['model x was disabled'],
      });
    });

    it('numbers messages 1.. per session', async () => {
      await text('user', 'a');
      await text('user', 'x', otherId);
      await text('assistant', 'b');
      const third = await text('user', 'c');
      expect(third.seq).toBe(3);
      expect((await messages.list(otherId)).map((m) => m.seq)).toEqual([1]);
    });

    it('gives appends racing inside transactions and outside them distinct, gapless seqs', async () => {
      const runner = createTransactionRunner(db.ds);
      const appended = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 ? text('user', `bare ${i}`) : runner.run((m) => new MessageStore(m).append({ sessionId, role: 'user', kind: 'text', content: `in tx ${i}` })),
        ),
      );
      expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    });

    it('gives concurrent appends distinct, gapless seqs', async () => {
      const appended = await Promise.all(Array.from({ length: 25 }, (_, i) => text('user', `m${i}`)));
      expect(appended.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it('throws SESSION_NOT_FOUND for an unknown session and stores nothing', async () => {
      await expect(text('user', 'x', 'missing')).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
      expect(await messages.count('missing')).toBe(0);
    });
  });

  it('get returns null for an unknown id', async () => {
    expect(await messages.get('missing')).toBeNull();
  });

  describe('list', () => {
    beforeEach(async () => {
      for (let i = 1; i <= 6; i++) await text(i % 2 ? 'user' : 'assistant', `m${i}`);
    });

    it('returns the whole history in ascending seq', async () => {
      expect((await messages.list(sessionId)).map((m) => m.content)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    });

    it('with a limit, returns the last N, still ascending', async () => {
      expect((await messages.list(sessionId, { limit: 2 })).map((m) => m.seq)).toEqual([5, 6]);
    });

    it('with afterSeq, returns what came after (the first N of it with a limit)', async () => {
      expect((await messages.list(sessionId, { afterSeq: 3 })).map((m) => m.seq)).toEqual([4, 5, 6]);
      expect((await messages.list(sessionId, { afterSeq: 3, limit: 2 })).map((m) => m.seq)).toEqual([4, 5]);
      expect(await messages.list(sessionId, { afterSeq: 6 })).toEqual([]);
    });

    it('with beforeSeq, returns the last N before it, ascending: pages backward without gaps', async () => {
      expect((await messages.list(sessionId, { beforeSeq: 5, limit: 2 })).map((m) => m.seq)).toEqual([3, 4]);
      expect((await messages.list(sessionId, { beforeSeq: 3, limit: 2 })).map((m) => m.seq)).toEqual([1, 2]);
      expect((await messages.list(sessionId, { beforeSeq: 4 })).map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(await messages.list(sessionId, { beforeSeq: 1, limit: 2 })).toEqual([]);
    });

    it('rejects a limit that is not a non-negative integer', async () => {
      await expect(messages.list(sessionId, { limit: 1.5 })).rejects.toThrow(RangeError);
      await expect(messages.list(sessionId, { afterSeq: -1 })).rejects.toThrow(RangeError);
      await expect(messages.list(sessionId, { beforeSeq: 2.5 })).rejects.toThrow(RangeError);
    });
  });

  describe('update', () => {
    it('patches the given fields and leaves the rest', async () => {
      const m = await messages.append({ sessionId, role: 'assistant', kind: 'text', content: '', status: 'streaming', modelConfigId: 'fast' });
      const updated = await messages.update(m.id, {
        content: 'done',
        parts: [{ type: 'text', text: 'done' }],
        status: 'complete',
        usage: { inputTokens: 3, outputTokens: 4, cachedTokens: 0, costUsd: 0.1 },
        warnings: ['w'],
        event: { k: 1 },
      });
      expect(updated).toEqual({
        ...m,
        content: 'done',
        parts: [{ type: 'text', text: 'done' }],
        status: 'complete',
        usage: { inputTokens: 3, outputTokens: 4, cachedTokens: 0, costUsd: 0.1 },
        warnings: ['w'],
        event: { k: 1 },
      });
      expect(await messages.get(m.id)).toEqual(updated);
    });

    it('clears usage, event and model fields with null', async () => {
      const m = await messages.append({
        sessionId,
        role: 'assistant',
        kind: 'text',
        content: 'x',
        modelConfigId: 'fast',
        modelSource: 'global',
        modelLabel: 'Fast',
        usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 1, costUsd: 1 },
        event: { a: 1 },
      });
      const updated = await messages.update(m.id, { usage: null, event: null, modelConfigId: null, modelSource: null, modelLabel: null });
      expect(updated).toMatchObject({ usage: null, event: null, modelConfigId: null, modelSource: null, modelLabel: null, content: 'x' });
    });

    it('throws NOT_FOUND for an unknown message, with or without changes', async () => {
      await expect(messages.update('missing', { content: 'x' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      await expect(messages.update('missing', {})).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });

  describe('conversation', () => {
    it('keeps only user/assistant text with content, ascending, last N with a limit', async () => {
      await text('user', 'q1');
      await messages.append({ sessionId, role: 'user', kind: 'command', content: '/model fast' });
      await messages.append({ sessionId, role: 'assistant', kind: 'command_reply', content: 'Now using fast' });
      await messages.append({ sessionId, role: 'system', kind: 'engine_switch', content: 'Switched', event: { from: 'a' } });
      await messages.append({ sessionId, role: 'system', kind: 'text', content: 'system text' });
      await text('assistant', 'a1');
      await text('assistant', '   ');
      await text('user', 'q2');
      await text('user', 'elsewhere', otherId);
      expect((await messages.conversation(sessionId)).map((m) => m.content)).toEqual(['q1', 'a1', 'q2']);
      expect((await messages.conversation(sessionId, { limit: 2 })).map((m) => m.content)).toEqual(['a1', 'q2']);
    });

    it('starts after a seq (the last compaction) and carries seq and role', async () => {
      const q1 = await text('user', 'q1');
      await text('assistant', 'a1');
      await text('user', 'q2');
      const after = await messages.conversation(sessionId, { afterSeq: q1.seq });
      expect(after).toEqual([
        { seq: q1.seq + 1, role: 'assistant', content: 'a1' },
        { seq: q1.seq + 2, role: 'user', content: 'q2' },
      ]);
    });
  });

  it('lastAssistant returns the latest assistant text message', async () => {
    expect(await messages.lastAssistant(sessionId)).toBeNull();
    await text('assistant', 'first');
    await messages.append({ sessionId, role: 'assistant', kind: 'command_reply', content: 'reply' });
    await text('user', 'q');
    await text('assistant', 'second');
    await text('user', 'q2');
    expect((await messages.lastAssistant(sessionId))?.content).toBe('second');
  });

  it('markStreamingInterrupted interrupts every streaming message and keeps its partial text', async () => {
    const a = await messages.append({ sessionId, role: 'assistant', kind: 'text', content: 'partial', status: 'streaming' });
    const b = await messages.append({ sessionId: otherId, role: 'assistant', kind: 'text', content: '', status: 'streaming' });
    const done = await text('assistant', 'done');
    const interrupted = await messages.markStreamingInterrupted();
    expect(interrupted.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    expect(interrupted.every((m) => m.status === 'interrupted')).toBe(true);
    expect(await messages.get(a.id)).toMatchObject({ status: 'interrupted', content: 'partial' });
    expect(await messages.get(done.id)).toMatchObject({ status: 'complete' });
    expect(await messages.markStreamingInterrupted()).toEqual([]);
  });

  it('count and clear work per session', async () => {
    await text('user', 'a');
    await text('assistant', 'b');
    await text('user', 'c', otherId);
    expect(await messages.count(sessionId)).toBe(2);
    expect(await messages.clear(sessionId)).toBe(2);
    expect(await messages.count(sessionId)).toBe(0);
    expect(await messages.count(otherId)).toBe(1);
    expect((await text('user', 'again')).seq).toBe(1);
  });
});
