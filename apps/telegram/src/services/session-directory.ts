import type { Session, SwitchboardClient } from '@switchboard/protocol';
import { targetOfPeer, type ChatTarget } from '../bot/chat-target';

/** Maps Telegram chats (and forum topics) to Switchboard sessions and back, get-or-create, cached. */
export class SessionDirectory {
  private readonly byPeer = new Map<string, string>();
  private readonly targets = new Map<string, ChatTarget | null>();

  constructor(private readonly client: SwitchboardClient) {}

  /** The session id of a chat: channel `telegram`, peer = chat id (plus topic). */
  async sessionFor(target: ChatTarget): Promise<string> {
    const cached = this.byPeer.get(target.peerId);
    if (cached) return cached;
    // A group chat is an audience with its own memory: its topics share the group key, their peers stay `chatId:topicId`.
    const session = await this.client.createSession({ channel: 'telegram', peerId: target.peerId, ...(target.isGroup ? { group: String(target.chatId) } : {}) });
    this.byPeer.set(target.peerId, session.id);
    this.targets.set(session.id, target);
    return session.id;
  }

  /** Drops a cached mapping (the API answered SESSION_NOT_FOUND: its database was replaced). */
  forget(target: ChatTarget): void {
    const id = this.byPeer.get(target.peerId);
    this.byPeer.delete(target.peerId);
    if (id) this.targets.delete(id);
  }

  /** Where a session's messages go: its chat when it is a Telegram session, else null (cached either way). */
  async targetOf(sessionId: string): Promise<ChatTarget | null> {
    const known = this.targets.get(sessionId);
    if (known !== undefined) return known;
    return this.learn(await this.client.getSession(sessionId));
  }

  /** Records a session seen in an event or a listing; returns its chat (null: not a Telegram chat). */
  learn(session: Pick<Session, 'id' | 'channel' | 'peerId'>): ChatTarget | null {
    const known = this.targets.get(session.id);
    if (known !== undefined) return known;
    const target = session.channel === 'telegram' ? targetOfPeer(session.peerId) : null;
    this.targets.set(session.id, target);
    if (target && !this.byPeer.has(target.peerId)) this.byPeer.set(target.peerId, session.id);
    return target;
  }

  /** Forgets a deleted session. */
  drop(sessionId: string): void {
    const target = this.targets.get(sessionId);
    this.targets.delete(sessionId);
    if (target && this.byPeer.get(target.peerId) === sessionId) this.byPeer.delete(target.peerId);
  }
}
