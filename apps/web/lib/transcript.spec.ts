import { mergeMessageEvent, reconcileMessages } from './cache-merge';
import { archivedRows, commandEcho, mergeTranscript, shownStatus, transcriptItems, turnErrorOf } from './transcript';
import { iso, message } from './testing/fixtures';

describe('mergeTranscript', () => {
  it('returns the stored list itself when this tab has nothing to add', () => {
    const stored = [message({ id: 'a', seq: 1 })];
    expect(mergeTranscript(stored, [])).toBe(stored);
  });

  it('puts command exchanges after the stored messages created before them', () => {
    const stored = [message({ id: 'a', seq: 1, createdAt: iso(1) }), message({ id: 'b', seq: 2, createdAt: iso(10) })];
    const echo = commandEcho('s1', '/model fast', iso(5));
    const reply = message({ id: 'r', seq: 0, role: 'system', kind: 'command_reply', createdAt: iso(5) });
    expect(mergeTranscript(stored, [echo, reply]).map((m) => m.id)).toEqual(['a', echo.id, 'r', 'b']);
    expect(mergeTranscript(stored, [message({ id: 'late', seq: 0, createdAt: iso(99) })]).map((m) => m.id)).toEqual(['a', 'b', 'late']);
  });

  it('echoes a command as a user message of kind command', () => {
    expect(commandEcho('s1', '/help', iso(0))).toMatchObject({ role: 'user', kind: 'command', content: '/help', sessionId: 's1' });
  });
});

describe('transcriptItems', () => {
  const archived = (reason: 'retry' | 'edit', previousStatus: string) => ({ archived: { reason, turnId: 't2', previousStatus, at: iso(9) } });

  it('pairs a failed reply with its error event and folds each run of archived messages into one row', () => {
    const items = transcriptItems([
      message({ id: 'u1', seq: 1, turnId: 't1', content: 'hi' }),
      message({ id: 'a1', seq: 2, turnId: 't1', role: 'assistant', status: 'superseded', content: '', event: archived('retry', 'error') }),
      message({ id: 'e1', seq: 3, turnId: 't1', role: 'system', kind: 'turn_error', status: 'superseded', event: { error: 'x', ...archived('retry', 'complete') } }),
      message({ id: 'u2', seq: 4, turnId: 't2', content: 'hi' }),
      message({ id: 'a2', seq: 5, turnId: 't2', role: 'assistant', status: 'error', content: '' }),
      message({ id: 'e2', seq: 6, turnId: 't2', role: 'system', kind: 'turn_error', event: { error: 'Model "main" failed (HTTP 401): bad key', errorKind: 'auth' } }),
    ]);
    expect(items.map((i) => (i.type === 'archive' ? `archive:${i.messages.map((m) => m.id).join(',')}:${i.reason}` : `${i.message.id}${i.error ? `+${i.error.id}` : ''}`))).toEqual([
      'u1',
      'archive:a1,e1:retry',
      'u2',
      'a2+e2',
    ]);
    const rows = archivedRows((items[1] as Extract<(typeof items)[number], { type: 'archive' }>).messages);
    expect(rows.map((r) => [r.message.id, r.error?.id ?? null])).toEqual([['a1', 'e1']]);
    expect(shownStatus(rows[0].message)).toBe('error');
  });

  it('reads error kinds (also from older events without one)', () => {
    expect(turnErrorOf(message({ id: 'e', seq: 1, role: 'system', kind: 'turn_error', event: { error: 'boom', errorKind: 'rate_limited' } }))).toEqual({ kind: 'rate_limited', detail: 'boom' });
    expect(turnErrorOf(message({ id: 'e', seq: 1, role: 'system', kind: 'turn_error', event: { error: 'connect ECONNREFUSED 127.0.0.1:9' } }))?.kind).toBe('unreachable');
    expect(turnErrorOf(null)).toBeNull();
  });

  it('an archived copy fetched from the API replaces the cached live one', () => {
    const live = message({ id: 'a1', seq: 2, role: 'assistant', content: 'old' });
    const cache = { messages: [live], touched: { a1: 100 } };
    const next = reconcileMessages(cache, [{ ...live, status: 'superseded', event: archived('retry', 'complete') }], 50);
    expect(next.messages[0].status).toBe('superseded');
    expect(mergeMessageEvent(next, live, 200)!.messages[0].status).toBe('superseded');
  });
});
