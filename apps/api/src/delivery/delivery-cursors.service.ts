import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { deliveryCursorSchema, type DeliveryCursor, type DeliveryCursorResponse, type PutDeliveryCursorRequest, type PutDeliveryCursorResponse } from '@switchboard/protocol';
import { PreferenceStore, SessionEngine, type TurnHooks } from '@switchboard/session/server';
import { DATA_SOURCE } from '../core/tokens';

const EMPTY: DeliveryCursor = { seq: 0, messageId: null, delivered: [] };
const storedSchema = deliveryCursorSchema.extend({ version: deliveryCursorSchema.shape.seq });

/**
 * Per-session delivery cursors of the doors that forward messages elsewhere (the Telegram
 * bot): kept in the API's database so they outlive restarts of the door and of the API, and
 * written by compare-and-set so several instances of a door never both claim one message.
 */
@Injectable()
export class DeliveryCursorsService {
  private readonly prefs: PreferenceStore;

  constructor(
    private readonly engine: SessionEngine,
    @Inject(DATA_SOURCE) ds: DataSource,
  ) {
    this.prefs = new PreferenceStore(ds.manager);
  }

  async get(sessionId: string, consumer: string): Promise<DeliveryCursorResponse> {
    await this.engine.getSession(sessionId);
    const { cursor } = await this.read(sessionId, consumer);
    return cursor;
  }

  async put(sessionId: string, consumer: string, body: PutDeliveryCursorRequest): Promise<PutDeliveryCursorResponse> {
    await this.engine.getSession(sessionId);
    const { raw, cursor } = await this.read(sessionId, consumer);
    if (cursor.version !== body.expectedVersion) return { applied: false, cursor };
    const next = { seq: body.seq, messageId: body.messageId, delivered: body.delivered, version: cursor.version + 1 };
    if (!(await this.prefs.compareAndSet(key(sessionId, consumer), raw, JSON.stringify(next)))) {
      return { applied: false, cursor: (await this.read(sessionId, consumer)).cursor };
    }
    return { applied: true, cursor: { sessionId, consumer, ...next } };
  }

  private async read(sessionId: string, consumer: string): Promise<{ raw: string | null; cursor: DeliveryCursorResponse }> {
    const raw = await this.prefs.get(key(sessionId, consumer));
    let stored: DeliveryCursor & { version: number } = { ...EMPTY, version: 0 };
    if (raw !== null) {
      const parsed = storedSchema.safeParse(safeJson(raw));
      // An unreadable row starts over at version 1, so a compare-and-set can still replace it.
      stored = parsed.success ? parsed.data : { ...EMPTY, version: 1 };
    }
    return { raw, cursor: { sessionId, consumer, ...stored } };
  }
}

function key(sessionId: string, consumer: string): string {
  return `${keyPrefix(sessionId)}${consumer}`;
}

function keyPrefix(sessionId: string): string {
  return `delivery_cursor:${sessionId}:`;
}

/** Deleting a conversation drops its cursors with it. */
export function deliveryCursorsHook(prefs: PreferenceStore): TurnHooks {
  return { name: 'delivery-cursors', sessionDeleted: async (sessionId) => void (await prefs.deleteByPrefix(keyPrefix(sessionId))) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
