import type { Chat, Message } from 'grammy/types';

/** Where replies go: a chat, or one forum topic of it. Each target is one Switchboard session. */
export interface ChatTarget {
  chatId: number;
  /** The forum topic (message_thread_id), when the chat is a forum and the message is in a topic. */
  threadId?: number;
  /** The session's peer id: the chat id, plus the topic for forum topics. */
  peerId: string;
  isGroup: boolean;
}

/** The target of a message in a chat; forum topics get their own session. */
export function targetOf(chat: Pick<Chat, 'id' | 'type'>, message?: Pick<Message, 'is_topic_message' | 'message_thread_id'>): ChatTarget {
  const threadId = message?.is_topic_message && message.message_thread_id ? message.message_thread_id : undefined;
  return {
    chatId: chat.id,
    ...(threadId ? { threadId } : {}),
    peerId: threadId ? `${chat.id}:${threadId}` : String(chat.id),
    isGroup: chat.type === 'group' || chat.type === 'supergroup',
  };
}

/** A stable key for per-chat ordering (sends, typing, sequential handling). */
export function targetKey(target: Pick<ChatTarget, 'peerId'>): string {
  return target.peerId;
}

/**
 * The target of a Telegram session's peer id (`chatId` or `chatId:topicId`), for sessions the
 * bot did not start itself (a job, the dashboard); null when the peer is not a chat id.
 * Group and supergroup ids are negative in Telegram, private chats positive.
 */
export function targetOfPeer(peerId: string): ChatTarget | null {
  const m = /^(-?\d{1,20})(?::(\d{1,12}))?$/.exec(peerId.trim());
  if (!m) return null;
  const chatId = Number(m[1]);
  if (!Number.isSafeInteger(chatId) || chatId === 0) return null;
  const threadId = m[2] ? Number(m[2]) : undefined;
  return { chatId, ...(threadId ? { threadId } : {}), peerId: threadId ? `${chatId}:${threadId}` : String(chatId), isGroup: chatId < 0 };
}
