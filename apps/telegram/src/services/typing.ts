import type { Api } from 'grammy';
import type { ChatTarget } from '../bot/chat-target';

// Telegram shows "typing…" for about five seconds per action.
const REFRESH_MS = 4000;
// A turn whose end we never hear about must not type forever.
const MAX_MS = 10 * 60 * 1000;

/** The typing indicator of each chat while a turn runs there. */
export class Typing {
  private readonly active = new Map<string, { timer: NodeJS.Timeout; since: number }>();
  private readonly pulses = new Map<string, number>();

  constructor(private readonly api: Api) {}

  start(target: ChatTarget): void {
    const key = target.peerId;
    if (this.active.has(key)) return;
    const send = () => {
      this.api.sendChatAction(target.chatId, 'typing', target.threadId ? { message_thread_id: target.threadId } : {}).catch(() => undefined);
    };
    // A pulse a moment ago still shows: no second action right away.
    if (Date.now() - (this.pulses.get(key) ?? 0) > REFRESH_MS) send();
    this.pulses.delete(key);
    const since = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - since > MAX_MS) return this.stop(target);
      send();
    }, REFRESH_MS);
    timer.unref?.();
    this.active.set(key, { timer, since });
  }

  /** Sends one typing action without keeping it up (a reply is about to be worked on). */
  pulse(target: ChatTarget): void {
    if (this.active.has(target.peerId)) return;
    this.pulses.set(target.peerId, Date.now());
    if (this.pulses.size > 1000) this.pulses.clear();
    this.api.sendChatAction(target.chatId, 'typing', target.threadId ? { message_thread_id: target.threadId } : {}).catch(() => undefined);
  }

  stop(target: ChatTarget): void {
    const a = this.active.get(target.peerId);
    if (!a) return;
    clearInterval(a.timer);
    this.active.delete(target.peerId);
  }

  stopAll(): void {
    for (const a of this.active.values()) clearInterval(a.timer);
    this.active.clear();
  }
}
