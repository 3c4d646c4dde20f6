import type { Message, Session } from '@switchboard/protocol';
import { conversationMarkdown, exportFileStem } from './conversation-markdown';

const session = {
  id: '0123456789abcdef',
  channel: 'web',
  title: 'Trip to Île-de-France',
  projectId: 'travel',
  agent: null,
  createdAt: '2026-01-01T00:00:00.000Z',
} as unknown as Session;

function msg(over: Partial<Message>): Message {
  return {
    id: 'm', sessionId: session.id, seq: 1, turnId: null, role: 'user', kind: 'text', content: '', parts: [], status: 'complete',
    modelConfigId: null, modelSource: null, modelLabel: null, warnings: [], usage: null, event: null, personId: null, createdAt: '2026-01-01T00:00:01.000Z',
    ...over,
  };
}

describe('conversation Markdown export', () => {
  it('writes the title, each author with the model and why, and system events as quotes', () => {
    const md = conversationMarkdown(
      session,
      [
        msg({ content: 'Where to go?', personId: 'p1' }),
        msg({ seq: 2, role: 'assistant', content: 'Versailles.', modelLabel: 'Fake Quick', modelSource: 'session' }),
        msg({ seq: 3, role: 'system', kind: 'engine_switch', content: 'Switched to Fake Main\nfor this turn' }),
        msg({ seq: 4, role: 'assistant', content: 'Partial', modelLabel: 'Fake Main', modelSource: 'global', status: 'interrupted' }),
      ],
      { people: new Map([['p1', { id: 'p1', displayName: 'Ana', role: 'member' }]]) },
    );
    expect(md).toBe(
      [
        '# Trip to Île-de-France',
        '',
        '_web conversation · started 2026-01-01T00:00:00.000Z · project travel_',
        '',
        '**Ana** · 2026-01-01T00:00:01.000Z',
        '',
        'Where to go?',
        '',
        '**Assistant** · Fake Quick (session override) · 2026-01-01T00:00:01.000Z',
        '',
        'Versailles.',
        '',
        '> *engine switch:* Switched to Fake Main',
        '> for this turn',
        '',
        '**Assistant** · Fake Main (global default) · _interrupted_ · 2026-01-01T00:00:01.000Z',
        '',
        'Partial',
        '',
      ].join('\n'),
    );
  });

  it('names files from the title, ASCII only, never empty', () => {
    expect(exportFileStem(session)).toBe('trip-to-ile-de-france');
    expect(exportFileStem({ id: 'abcdef0123', title: null })).toBe('conversation-abcdef01');
    expect(exportFileStem({ id: 'abcdef0123', title: '東京' })).toBe('conversation-abcdef01');
  });
});
