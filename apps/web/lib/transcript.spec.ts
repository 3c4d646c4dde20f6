import { commandEcho, mergeTranscript } from './transcript';
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
