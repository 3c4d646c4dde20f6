import type { DeliveryCursor, DeliveryCursorResponse, Message, MessageKind, SwitchboardClient } from '@switchboard/protocol';

/** System events shown in the chat as one short line each, with their icon. */
export const SERVICE_LINES: Partial<Record<MessageKind, string>> = {
  engine_switch: '🔀',
  model_fallback: '↪️',
  turn_error: '⚠️',
  turn_interrupted: '⏹',
  notice: 'ℹ️',
  compaction: '🗜',
  memory_saved: '🧠',
};

/** The most out-of-order deliveries a cursor keeps (the API's limit). */
const MAX_DELIVERED = 200;
const PAGE = 200;

type Msg = Pick<Message, 'id' | 'seq' | 'role' | 'kind' | 'status' | 'createdAt'>;

/** What the chat is shown: finished assistant replies and service lines (user messages, commands and the rest are not). */
export function isDeliverable(m: Pick<Message, 'role' | 'kind'>): boolean {
  return (m.role === 'assistant' && m.kind === 'text') || (m.role === 'system' && SERVICE_LINES[m.kind] !== undefined);
}

/**
 * The cursor moved over every handled message that directly follows it: one not shown in the
 * chat, or one already delivered. A reply still streaming stops it (it is delivered later).
 */
export function advance(cursor: DeliveryCursor, messages: readonly Msg[]): DeliveryCursor {
  const delivered = new Set(cursor.delivered);
  let { seq, messageId } = cursor;
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    if (m.seq <= seq) continue;
    if (m.seq !== seq + 1) break;
    const handled = isDeliverable(m) ? delivered.has(m.id) : m.status !== 'streaming';
    if (!handled) break;
    seq = m.seq;
    messageId = m.id;
    delivered.delete(m.id);
  }
  return { seq, messageId, delivered: [...delivered].slice(-MAX_DELIVERED) };
}

function same(a: DeliveryCursor, b: DeliveryCursor): boolean {
  return a.seq === b.seq && a.messageId === b.messageId && a.delivered.join() === b.delivered.join();
}

export interface DeliveryLedgerOptions {
  client: SwitchboardClient;
  sessionId: string;
  consumer: string;
  /** A session never delivered to before starts here: older messages count as seen (an upgrade does not replay history). */
  catchUpMs: number;
}

/**
 * One session's delivery cursor, kept by the API (GET/PUT …/delivery-cursors/:consumer):
 * a message is claimed by a compare-and-set write before it is sent, so neither a restart
 * (of the bot or the API) nor a second bot instance delivers it twice. Calls for one session
 * run one at a time.
 */
export class DeliveryLedger {
  private cursor: DeliveryCursorResponse | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: DeliveryLedgerOptions) {}

  /** Resolves when every call made so far has finished. */
  idle(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  /** True when this instance is to deliver the message (and the cursor now says so); false when it was already handled. */
  claim(message: Msg): Promise<boolean> {
    return this.locked(() => this.claimNow(message, [message]));
  }

  /** The history was cleared (/reset): messages start again from seq 1. */
  rebase(): Promise<void> {
    return this.locked(async () => {
      const cur = await this.load();
      await this.write(cur, { seq: 0, messageId: null, delivered: [] });
    });
  }

  /**
   * Delivers what is due and not yet handled (finished replies and service lines after the
   * cursor, in order), each claimed first, then moves the cursor past everything handled.
   * `skip` says which messages someone in this process is already delivering; `streaming`
   * hears of replies still being written.
   */
  sweep(deliver: (m: Message) => void, opts: { skip?: (m: Message) => boolean; streaming?: (m: Message) => void } = {}): Promise<void> {
    return this.locked(async () => {
      let cur = await this.load();
      let messages = await this.listAfter(Math.max(cur.seq - 1, 0));
      if (cur.seq > 0 && cur.messageId !== null) {
        const anchor = messages.find((m) => m.seq === cur.seq);
        if (anchor?.id !== cur.messageId) {
          // The message the cursor points at is gone: the history was reset while we were away.
          cur = (await this.write(cur, { seq: 0, messageId: null, delivered: [] })) ?? (await this.load(true));
          messages = await this.listAfter(cur.seq);
        }
      }
      for (const m of messages) {
        if (m.seq <= cur.seq || !isDeliverable(m) || cur.delivered.includes(m.id)) continue;
        if (m.status === 'streaming') {
          opts.streaming?.(m);
          continue;
        }
        if (opts.skip?.(m)) continue;
        if (await this.claimNow(m, messages)) deliver(m);
        cur = await this.load();
      }
      const next = advance(cur, messages);
      if (!same(cur, next)) await this.write(cur, next);
    });
  }

  private async claimNow(message: Msg, known: readonly Msg[]): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.load(attempt > 0);
      if (cur.delivered.includes(message.id)) return false;
      if (message.seq <= cur.seq) {
        // Behind the cursor: handled already, unless the history was reset under it.
        if (!(await this.historyWasReset(cur))) return false;
        await this.write(cur, { seq: 0, messageId: null, delivered: [] });
        continue;
      }
      const next = advance({ ...cur, delivered: [...cur.delivered, message.id] }, known);
      if (await this.write(cur, next)) return true;
    }
    throw new Error(`could not claim message ${message.id}: the delivery cursor keeps changing`);
  }

  private async historyWasReset(cur: DeliveryCursor): Promise<boolean> {
    if (cur.seq === 0 || cur.messageId === null) return false;
    const [anchor] = (await this.o.client.listMessages(this.o.sessionId, { afterSeq: cur.seq - 1, limit: 1 })).messages;
    return anchor?.id !== cur.messageId;
  }

  /** The cursor (cached); a never-written one is first placed at the start of the catch-up window. */
  private async load(fresh = false): Promise<DeliveryCursorResponse> {
    if (this.cursor && !fresh) return this.cursor;
    const { client, sessionId, consumer } = this.o;
    let cur = await client.getDeliveryCursor(sessionId, consumer);
    if (cur.version === 0) {
      const cutoff = new Date(Date.now() - this.o.catchUpMs).toISOString();
      const latest = (await client.listMessages(sessionId, { limit: PAGE })).messages;
      const old = latest.filter((m) => m.createdAt < cutoff).at(-1);
      const start = old ? { seq: old.seq, messageId: old.id } : latest[0] ? { seq: latest[0].seq - 1, messageId: null } : { seq: 0, messageId: null };
      const res = await client.putDeliveryCursor(sessionId, consumer, { ...start, delivered: [], expectedVersion: 0 });
      cur = res.cursor;
    }
    this.cursor = cur;
    return cur;
  }

  /** Compare-and-set; the new cursor, or null when someone else wrote first (the cache then holds theirs). */
  private async write(cur: DeliveryCursorResponse, next: DeliveryCursor): Promise<DeliveryCursorResponse | null> {
    const res = await this.o.client.putDeliveryCursor(this.o.sessionId, this.o.consumer, { ...next, expectedVersion: cur.version });
    this.cursor = res.cursor;
    return res.applied ? res.cursor : null;
  }

  private async listAfter(afterSeq: number): Promise<Message[]> {
    const all: Message[] = [];
    for (;;) {
      const page = (await this.o.client.listMessages(this.o.sessionId, { afterSeq: all.at(-1)?.seq ?? afterSeq, limit: PAGE })).messages;
      all.push(...page);
      if (page.length < PAGE) return all;
    }
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run.catch((err: unknown) => {
      // A failed call may have left the cache behind the API's cursor.
      this.cursor = null;
      throw err;
    });
  }
}
