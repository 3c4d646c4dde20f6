import type { ChatTarget } from '../bot/chat-target';
import type { Source } from './conversation';

/** A file of a message as it will be sent: an uploaded attachment, or a text file's content inline. */
export type AlbumPart = { kind: 'file'; attachmentId: string } | { kind: 'text'; name: string; text: string };

/** One item of an album: its message, its caption (usually only one item has one), its part (null when it was refused). */
export interface AlbumItem {
  messageId: number;
  caption: string;
  part: AlbumPart | null;
  source: Source;
}

/** A complete album, to send as one message. */
export interface Album {
  target: ChatTarget;
  caption: string;
  parts: AlbumPart[];
  /** The item with the caption (else the first): the message the reply quotes and whose sender speaks. */
  source: Source;
}

export interface AlbumsOptions {
  windowMs: number;
  send(album: Album): Promise<void>;
}

interface Open {
  target: ChatTarget;
  items: AlbumItem[];
  timer: NodeJS.Timeout;
}

/**
 * Gathers the items of Telegram albums (one update per photo or file, sharing a
 * `media_group_id`) and sends each album once, as one message, `windowMs` after its last item —
 * or at once when anything else comes from the same chat (an album's items arrive together, so
 * the next message means it is complete), so the chat's order is kept.
 */
export class Albums {
  private readonly open = new Map<string, Open>();
  /** Per chat: the albums being sent, awaited before the chat's next message. */
  private readonly sending = new Map<string, Promise<void>>();

  constructor(private readonly o: AlbumsOptions) {}

  add(target: ChatTarget, groupId: string, item: AlbumItem): void {
    const key = `${target.peerId}|${groupId}`;
    const album = this.open.get(key);
    if (album) {
      clearTimeout(album.timer);
      album.items.push(item);
      album.timer = this.timer(key);
      return;
    }
    this.open.set(key, { target, items: [item], timer: this.timer(key) });
  }

  /** Sends the chat's open albums (except `keepGroupId`, the album the current update belongs to) and waits for them. */
  async settle(target: ChatTarget, keepGroupId?: string): Promise<void> {
    for (const key of [...this.open.keys()]) {
      if (key.startsWith(`${target.peerId}|`) && key !== `${target.peerId}|${keepGroupId}`) this.flush(key);
    }
    await this.sending.get(target.peerId);
  }

  /** Sends every open album now (shutdown) and waits for them. */
  async drain(): Promise<void> {
    for (const key of [...this.open.keys()]) this.flush(key);
    await Promise.all([...this.sending.values()]);
  }

  private timer(key: string): NodeJS.Timeout {
    const t = setTimeout(() => this.flush(key), this.o.windowMs);
    t.unref();
    return t;
  }

  private flush(key: string): void {
    const album = this.open.get(key);
    if (!album) return;
    this.open.delete(key);
    clearTimeout(album.timer);
    const items = [...album.items].sort((a, b) => a.messageId - b.messageId);
    // Every item refused (each was answered): nothing to send.
    if (!items.some((i) => i.part)) return;
    const captioned = items.find((i) => i.caption.trim()) ?? items[0];
    const chat = album.target.peerId;
    const previous = this.sending.get(chat) ?? Promise.resolve();
    const next = previous
      .then(() =>
        this.o.send({
          target: album.target,
          caption: captioned.caption,
          parts: items.flatMap((i) => (i.part ? [i.part] : [])),
          source: captioned.source,
        }),
      )
      .catch(() => undefined);
    this.sending.set(chat, next);
    void next.finally(() => {
      if (this.sending.get(chat) === next) this.sending.delete(chat);
    });
  }
}
