import type { Message, UserFromGetMe } from 'grammy/types';
import { isAddressedToBot, stripMention } from './access';

const me = { id: 42, is_bot: true, first_name: 'SB', username: 'SwitchBot' } as UserFromGetMe;
const msg = (text: string, extra: Partial<Message> = {}) => ({ message_id: 1, date: 0, chat: { id: -1, type: 'supergroup', title: 'g' }, text, ...extra }) as Message;

describe('isAddressedToBot', () => {
  it('accepts commands to the bot (bare or @ours), mentions and replies to the bot', () => {
    expect(isAddressedToBot(msg('/help'), me)).toBe(true);
    expect(isAddressedToBot(msg('/help@switchbot now'), me)).toBe(true);
    expect(isAddressedToBot(msg('hey @SwitchBot, hi'), me)).toBe(true);
    expect(isAddressedToBot(msg('hi', { entities: [{ type: 'text_mention', offset: 0, length: 2, user: { id: 42, is_bot: true, first_name: 'SB' } }] }), me)).toBe(true);
    expect(isAddressedToBot(msg('sure', { reply_to_message: msg('earlier', { from: { id: 42, is_bot: true, first_name: 'SB' } }) as never }), me)).toBe(true);
  });

  it('rejects other bots, look-alike names, plain chatter and forum topic roots', () => {
    expect(isAddressedToBot(msg('/help@other_bot'), me)).toBe(false);
    expect(isAddressedToBot(msg('ask @SwitchBotFan'), me)).toBe(false);
    expect(isAddressedToBot(msg('mail me at a@switchbot.dev'), me)).toBe(false);
    expect(isAddressedToBot(msg('just talking'), me)).toBe(false);
    const topicRoot = msg('', { from: { id: 42, is_bot: true, first_name: 'SB' }, forum_topic_created: { name: 't', icon_color: 1 } });
    expect(isAddressedToBot(msg('in a topic', { reply_to_message: topicRoot as never }), me)).toBe(false);
    expect(isAddressedToBot(undefined, me)).toBe(false);
  });
});

describe('stripMention', () => {
  it('removes the mention but keeps commands as typed', () => {
    expect(stripMention('@SwitchBot what is up', 'SwitchBot')).toBe('what is up');
    expect(stripMention('hey @switchbot, what now?', 'SwitchBot')).toBe('hey what now?');
    expect(stripMention('/model@SwitchBot fast', 'SwitchBot')).toBe('/model@SwitchBot fast');
    expect(stripMention('@SwitchBot', 'SwitchBot')).toBe('');
  });
});
