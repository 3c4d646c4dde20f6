import type { User } from 'grammy/types';
import type { Sender } from '@switchboard/protocol';

/** A Telegram user's name as people see it: first + last name, else @username; '' when there is neither. */
export function telegramDisplayName(user: Pick<User, 'first_name' | 'last_name' | 'username'>): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return (name || (user.username ? `@${user.username}` : '')).slice(0, 200);
}

/**
 * Who sends a message on the API's side: the Telegram user id (the API resolves it to a person,
 * in a group as in a DM) and their name.
 */
export function senderOf(user: Pick<User, 'id' | 'first_name' | 'last_name' | 'username'>): Sender {
  const displayName = telegramDisplayName(user);
  return { peerId: String(user.id), ...(displayName ? { displayName } : {}) };
}
