import { QueryClient } from '@tanstack/react-query';
import { applyServerEvent } from './apply-event';
import type { MessagesCache, QueueCache, SessionListCache } from './cache-merge';
import { queryKeys } from './query-keys';
import { reasoningKey, StreamStore } from './stream-store';
import { message, queued, session } from './testing/fixtures';

function setup() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const flushes: Array<() => void> = [];
  const streams = new StreamStore((f) => flushes.push(f));
  return { qc, streams };
}

describe('applyServerEvent', () => {
  it('keeps deltas out of the query cache (they go to the stream store)', () => {
    const { qc, streams } = setup();
    const cache: MessagesCache = { messages: [message({ id: 'u', seq: 1 })], touched: {} };
    qc.setQueryData(queryKeys.messages('s1'), cache);
    applyServerEvent(qc, streams, { event: 'turn.started', payload: { sessionId: 's1', turnId: 't', messageId: 'a', modelConfigId: 'main', modelSource: 'global', modelLabel: 'Fake Main', warnings: [] } });
    const withPlaceholder = qc.getQueryData<MessagesCache>(queryKeys.messages('s1'))!;
    expect(withPlaceholder.messages.map((m) => m.status)).toEqual(['complete', 'streaming']);
    for (let i = 0; i < 100; i++) applyServerEvent(qc, streams, { event: 'message.delta', payload: { sessionId: 's1', turnId: 't', messageId: 'a', delta: 'x' } });
    expect(qc.getQueryData(queryKeys.messages('s1'))).toBe(withPlaceholder);
    expect(streams.get('a')).toHaveLength(100);

    applyServerEvent(qc, streams, { event: 'message.completed', payload: { sessionId: 's1', turnId: 't', message: message({ id: 'a', seq: 2, role: 'assistant', content: 'x'.repeat(100) }) } });
    expect(qc.getQueryData<MessagesCache>(queryKeys.messages('s1'))!.messages[1]).toMatchObject({ status: 'complete' });
    expect(streams.has('a')).toBe(false);
  });

  it('streams reasoning apart from the reply text, and forgets both when the reply completes', () => {
    const { qc, streams } = setup();
    applyServerEvent(qc, streams, { event: 'message.reasoning', payload: { sessionId: 's1', turnId: 't', messageId: 'a', delta: 'thinking' } });
    applyServerEvent(qc, streams, { event: 'message.delta', payload: { sessionId: 's1', turnId: 't', messageId: 'a', delta: 'answer' } });
    expect(streams.get(reasoningKey('a'))).toBe('thinking');
    expect(streams.get('a')).toBe('answer');
    applyServerEvent(qc, streams, { event: 'message.completed', payload: { sessionId: 's1', turnId: 't', message: message({ id: 'a', seq: 2, role: 'assistant', content: 'answer' }) } });
    expect(streams.has(reasoningKey('a'))).toBe(false);
    expect(streams.has('a')).toBe(false);
  });

  it("keeps a running turn's tool calls by turn (started, then finished with its outcome), and forgets them when the reply completes", () => {
    const { qc, streams } = setup();
    const before = streams.tools('t');
    applyServerEvent(qc, streams, { event: 'tool.started', payload: { sessionId: 's1', turnId: 't', toolCallId: 'c1', toolName: 'demo__echo', input: { text: 'hi' } } });
    applyServerEvent(qc, streams, { event: 'tool.started', payload: { sessionId: 's1', turnId: 't', toolCallId: 'c2', toolName: 'web_fetch', input: { url: 'x' } } });
    applyServerEvent(qc, streams, { event: 'tool.finished', payload: { sessionId: 's1', turnId: 't', toolCallId: 'c1', toolName: 'demo__echo', ok: true, output: 'hi', durationMs: 12 } });
    applyServerEvent(qc, streams, { event: 'tool.finished', payload: { sessionId: 's1', turnId: 't', toolCallId: 'c2', toolName: 'web_fetch', ok: false, output: { error: 'no' }, durationMs: 3 } });
    expect(streams.tools('t')).not.toBe(before);
    expect(streams.tools('t')).toEqual([
      { toolCallId: 'c1', toolName: 'demo__echo', input: { text: 'hi' }, state: 'ok', output: 'hi', durationMs: 12 },
      { toolCallId: 'c2', toolName: 'web_fetch', input: { url: 'x' }, state: 'error', output: { error: 'no' }, durationMs: 3 },
    ]);
    expect(streams.tools('other')).toEqual([]);
    applyServerEvent(qc, streams, { event: 'message.completed', payload: { sessionId: 's1', turnId: 't', message: message({ id: 'a', seq: 2, role: 'assistant', turnId: 't', content: 'done' }) } });
    expect(streams.tools('t')).toEqual([]);
  });

  it('updates the default model and refetches conversations when settings change', async () => {
    const { qc, streams } = setup();
    const models = { models: [], defaultModel: { modelConfigId: 'main', source: 'global' as const, label: 'Fake Main', warnings: [] }, tiers: {}, providers: [], offlineOnly: false };
    qc.setQueryData(queryKeys.models, models);
    let refetched = 0;
    qc.setQueryDefaults(queryKeys.sessions, { queryFn: async () => { refetched++; return { sessions: [] }; } });
    await qc.prefetchQuery({ queryKey: queryKeys.sessions });
    const observer = qc.getQueryCache().find({ queryKey: queryKeys.sessions });
    expect(observer?.state.isInvalidated).toBe(false);
    applyServerEvent(qc, streams, { event: 'settings.updated', payload: { defaultModel: { modelConfigId: 'quick', source: 'global', label: 'Fake Quick', warnings: [] } } });
    expect(qc.getQueryData<typeof models>(queryKeys.models)!.defaultModel.modelConfigId).toBe('quick');
    expect(qc.getQueryCache().find({ queryKey: queryKeys.sessions })?.state.isInvalidated).toBe(true);
    expect(refetched).toBe(1);
  });

  it('merges session events by version and ignores a stale one', () => {
    const { qc, streams } = setup();
    const fresh = session({ id: 's1', version: 4, title: 'fresh' });
    applyServerEvent(qc, streams, { event: 'session.updated', payload: { kind: 'title_change', session: fresh, version: 4 } });
    const before = qc.getQueryData<SessionListCache>(queryKeys.sessions);
    applyServerEvent(qc, streams, { event: 'session.updated', payload: { kind: 'status_change', session: { ...fresh, version: 3, title: 'old' }, version: 3 } });
    expect(qc.getQueryData(queryKeys.sessions)).toBe(before);
    expect(before!.sessions[0].title).toBe('fresh');
  });

  it('drops a history read after /reset (history_change) and clears this tab’s command replies', async () => {
    const { qc, streams } = setup();
    qc.setQueryData(queryKeys.messages('s1'), { messages: [message({ id: 'old', seq: 1 })], touched: {} });
    qc.setQueryData(queryKeys.ephemeral('s1'), [message({ id: 'local', seq: 0, kind: 'command_reply', role: 'system' })]);
    applyServerEvent(qc, streams, { event: 'session.updated', payload: { kind: 'history_change', session: session({ id: 's1', version: 9 }), version: 9 } });
    expect(qc.getQueryData(queryKeys.ephemeral('s1'))).toEqual([]);
    expect(qc.getQueryState(queryKeys.messages('s1'))!.isInvalidated).toBe(true);
  });

  it('applies queue events by version', () => {
    const { qc, streams } = setup();
    applyServerEvent(qc, streams, { event: 'queue.updated', payload: { sessionId: 's1', version: 5, queue: [queued({ id: 'q1', position: 1 })] } });
    applyServerEvent(qc, streams, { event: 'queue.updated', payload: { sessionId: 's1', version: 4, queue: [] } });
    expect(qc.getQueryData<QueueCache>(queryKeys.queue('s1'))!.queue.map((q) => q.id)).toEqual(['q1']);
  });

  it('does not create a history for a conversation that was never opened', () => {
    const { qc, streams } = setup();
    applyServerEvent(qc, streams, { event: 'message.created', payload: { sessionId: 'other', message: message({ id: 'm', seq: 1, sessionId: 'other' }) } });
    expect(qc.getQueryData(queryKeys.messages('other'))).toBeUndefined();
  });

  it('ignores events it does not know', () => {
    const { qc, streams } = setup();
    expect(() => applyServerEvent(qc, streams, { event: 'future.event', payload: { sessionId: 's' } } as never)).not.toThrow();
  });
});
