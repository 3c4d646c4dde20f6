import type { EngineRef, Message } from '@switchboard/protocol';
import type { ModelResolution, TurnSpeaker } from '@switchboard/models';
import type { SessionRecord } from '../store/session.store';
import type { Deferred } from './deferred';
import type { TurnOptions } from '../engine/engine.types';

/** A turn in flight on this process: its abort switch, its streamed text and its outcome. */
export interface RunningTurn {
  turnId: string;
  sessionId: string;
  assistantMessageId: string;
  resolution: ModelResolution;
  abort: AbortController;
  partial: string;
  flushTimer: NodeJS.Timeout | null;
  done: Deferred<Message>;
}

/** What a turn needs once its claim transaction has committed. */
export interface StartedTurn {
  session: SessionRecord;
  turnId: string;
  userMessage: Message;
  assistantMessage: Message;
  resolution: ModelResolution;
  switchMessage: Message | null;
  switchEvent: { from: EngineRef; to: EngineRef; reason: string } | null;
  /** The session got its title from this message's first line; a generated one replaces it after the turn. */
  titlePending: boolean;
  /** Provider options the sender asked for. */
  turnOptions?: TurnOptions | null;
  /** Who sent the message (null: not known). */
  speaker: TurnSpeaker | null;
}

/** Background work (turns, drains, titles) that `stop()` waits for. */
export class BackgroundWork {
  private readonly pending = new Set<Promise<unknown>>();

  track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  settled(): Promise<unknown> {
    return Promise.allSettled([...this.pending]);
  }
}
