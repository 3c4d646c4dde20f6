import { formatBytes, formatCost, formatTokens, modelLine, relativeTime, sessionTitle, sourceLabel } from './format';

describe('format', () => {
  it('says why a model was used, as the UI shows it', () => {
    expect(modelLine('Fake Quick', 'session')).toBe('Fake Quick · session override');
    expect(modelLine('Fake Main', 'global')).toBe('Fake Main · global default');
    expect(sourceLabel('queued')).toBe('queued with the message');
    expect(modelLine(null, null)).toBe('Unknown model · unknown');
  });

  it('formats tokens, cost and relative times', () => {
    expect([950, 1234, 12_400, 3_200_000].map(formatTokens)).toEqual(['950', '1.2k', '12k', '3.2M']);
    expect([900, 12_345, 3_400_000, 10 * 1024 * 1024].map(formatBytes)).toEqual(['900 B', '12 KB', '3.2 MB', '10 MB']);
    expect([0, 0.0042, 1.234].map(formatCost)).toEqual(['$0', '$0.0042', '$1.23']);
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relativeTime('2026-01-01T11:59:50Z', now)).toBe('now');
    expect(relativeTime('2026-01-01T11:55:00Z', now)).toBe('5m');
    expect(relativeTime('2026-01-01T09:00:00Z', now)).toBe('3h');
    expect(relativeTime('2025-12-30T12:00:00Z', now)).toBe('2d');
  });

  it('titles untitled conversations readably', () => {
    expect(sessionTitle({ title: null, peerId: 'x', channel: 'web' })).toBe('New conversation');
    expect(sessionTitle({ title: null, peerId: '4242', channel: 'telegram' })).toBe('Telegram · 4242');
    expect(sessionTitle({ title: 'Trip plans', peerId: '1', channel: 'api' })).toBe('Trip plans');
  });
});
