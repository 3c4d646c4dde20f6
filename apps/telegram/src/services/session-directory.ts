import type { SwitchboardClient } from '@switchboard/protocol';
import type { ChatTarget } from '../bot/chat-target';

/** Maps Telegram chats (and forum topics) to Switchboard sessions, get-or-create, cached. */
export class SessionDirectory {
  private readonly byPeer = new Map<string, string>();
  private readonly targets = new Map<string, ChatTarget>();

  constructor(private readonly client: SwitchboardClient) {}

  /** The session id of a chat: channel `telegram`, peer = chat id (plus topic). */
  async sessionFor(target: ChatTarget): Promise<string> {
    const cached = this.byPeer.get(target.peerId);
    if (cached) return cached;
    const session = await this.client.createSession({ channel: 'telegram', peerId: target.peerId });
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

  /** Where a session's replies go, if it is one of ours. */
  targetOf(sessionId: string): ChatTarget | undefined {
    return this.targets.get(sessionId);
  }
}
