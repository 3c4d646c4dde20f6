import type { Message } from '@switchboard/protocol';
import { targetOfPeer } from '../bot/chat-target';
import { advance, isDeliverable } from './delivery-ledger';

const msg = (seq: number, role: Message['role'], kind: Message['kind'] = 'text', status: Message['status'] = 'complete') => ({
  id: `m${seq}`,
  seq,
  role,
  kind,
  status,
  createdAt: new Date(seq * 1000).toISOString(),
});

describe('delivery cursor', () => {
  it('delivers finished assistant replies and service lines, not user messages or command exchanges', () => {
    expect(isDeliverable(msg(1, 'assistant'))).toBe(true);
    expect(isDeliverable(msg(1, 'system', 'model_fallback'))).toBe(true);
    expect(isDeliverable(msg(1, 'user'))).toBe(false);
    expect(isDeliverable(msg(1, 'assistant', 'command_reply'))).toBe(false);
    expect(isDeliverable(msg(1, 'system', 'title_change'))).toBe(false);
  });

  it('moves over handled messages that directly follow it, and stops at a reply not yet delivered or still streaming', () => {
    const history = [msg(1, 'user'), msg(2, 'assistant'), msg(3, 'user'), msg(4, 'assistant', 'text', 'streaming'), msg(5, 'system', 'notice')];
    expect(advance({ seq: 0, messageId: null, delivered: [] }, history)).toEqual({ seq: 1, messageId: 'm1', delivered: [] });
    expect(advance({ seq: 0, messageId: null, delivered: ['m2', 'm5'] }, history)).toEqual({ seq: 3, messageId: 'm3', delivered: ['m5'] });
    const done = history.map((m) => (m.seq === 4 ? { ...m, status: 'complete' as const } : m));
    expect(advance({ seq: 3, messageId: 'm3', delivered: ['m4', 'm5'] }, done)).toEqual({ seq: 5, messageId: 'm5', delivered: [] });
    // A gap (messages not listed) stops it: it never skips what it has not seen.
    expect(advance({ seq: 1, messageId: 'm1', delivered: ['m2'] }, [msg(3, 'user')])).toEqual({ seq: 1, messageId: 'm1', delivered: ['m2'] });
  });

  it('maps a Telegram peer id back to its chat (and forum topic)', () => {
    expect(targetOfPeer('1001')).toEqual({ chatId: 1001, peerId: '1001', isGroup: false });
    expect(targetOfPeer('-100123:7')).toEqual({ chatId: -100123, threadId: 7, peerId: '-100123:7', isGroup: true });
    expect(targetOfPeer('not-a-chat')).toBeNull();
    expect(targetOfPeer('0')).toBeNull();
  });
});
