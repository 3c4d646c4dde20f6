import type { Api } from 'grammy';
import type { Logger } from 'pino';
import type { Message, MessageKind, ServerEventMap, SwitchboardClient } from '@switchboard/protocol';
import type { ChatTarget } from '../bot/chat-target';
import { escapeHtml } from '../format/html';
import { markdownToTelegramHtml } from '../format/markdown-to-telegram-html';
import { splitTelegramHtml, TELEGRAM_CHUNK_LIMIT } from '../format/split-html';
import type { ApiEvents } from './api-events';
import { BoundedSet } from './bounded-set';
import type { Outbox } from './outbox';
import type { Typing } from './typing';

/** System events shown in the chat as one short line each, with their icon. */
const SERVICE_LINES: Partial<Record<MessageKind, string>> = {
  engine_switch: '🔀',
  model_fallback: '↪️',
  turn_error: '⚠️',
  turn_interrupted: '⏹',
  notice: 'ℹ️',
  compaction: '🗜',
  memory_saved: '🧠',
};
const SERVICE_LINE_MAX = 300;

export interface ReplyRelayOptions {
  api: Api;
  client: SwitchboardClient;
  events: ApiEvents;
  outbox: Outbox;
  typing: Typing;
  logger: Logger;
  describe: (err: unknown) => string;
  editIntervalMs: number;
  groupEditIntervalMs: number;
}

interface SessionState {
  sessionId: string;
  target: ChatTarget;
  /** Events older than this are not ours to catch up on after a reconnect. */
  since: string;
  turns: Map<string, TurnStream>;
  /** Telegram messages sent to the API and not yet seen as a user message (to quote them in groups). */
  pending: Array<{ text: string; messageId: number }>;
  replyTo: Map<string, number>;
  delivered: BoundedSet<string>;
  shown: BoundedSet<string>;
}

/** The reply's final HTML: the Markdown converted, with a note when it did not finish; '' for nothing to say. */
export function finalHtml(message: Pick<Message, 'content' | 'status'>): string {
  const content = message.content.trim();
  const html = content ? markdownToTelegramHtml(content) : '';
  switch (message.status) {
    case 'interrupted':
      return html ? `${html}\n\n<i>(stopped)</i>` : '';
    case 'error':
      return html ? `${html}\n\n<i>(cut off by an error)</i>` : '';
    default:
      return html || '<i>(empty reply)</i>';
  }
}

/** A streamed draft: plain text (never a formatting failure mid-stream), cut to fit one message. */
export function draftText(text: string): string {
  const t = text.trim();
  if (!t) return '';
  return t.length > TELEGRAM_CHUNK_LIMIT - 10 ? `${t.slice(0, TELEGRAM_CHUNK_LIMIT - 10).trimEnd()} …` : `${t} …`;
}

/**
 * One turn's reply in one chat: a draft message edited as deltas arrive (at most one edit per
 * interval, and only when the text changed), then replaced by the final formatted reply —
 * the draft becomes its first chunk, so the final text is never sent twice.
 */
class TurnStream {
  private text = '';
  private draftId: number | undefined;
  private shownDraft = '';
  private lastSendAt: number;
  private timer: NodeJS.Timeout | null = null;
  private done = false;

  constructor(
    private readonly relay: ReplyRelay,
    private readonly target: ChatTarget,
    private readonly replyTo: () => number | undefined,
    initialText = '',
  ) {
    // The first draft waits one interval too: a quick reply arrives as one message, not a draft plus an edit.
    this.lastSendAt = Date.now();
    this.text = initialText;
  }

  append(delta: string): void {
    if (this.done) return;
    this.text += delta;
    this.schedule();
  }

  /** Sends the final reply (after any draft update already queued for this chat). */
  finish(message: Message): Promise<unknown> {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.relay.outbox.run(this.target, () => this.deliverFinal(message));
  }

  cancel(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || this.done) return;
    const interval = this.target.isGroup ? this.relay.options.groupEditIntervalMs : this.relay.options.editIntervalMs;
    const wait = Math.max(0, this.lastSendAt + interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.relay.outbox.run(this.target, () => this.flushDraft());
    }, wait);
  }

  private async flushDraft(): Promise<void> {
    if (this.done) return;
    const draft = draftText(this.text);
    if (!draft || draft === this.shownDraft) return;
    const { api, outbox } = this.relay;
    this.lastSendAt = Date.now();
    if (this.draftId === undefined) {
      const replyTo = this.target.isGroup ? this.replyTo() : undefined;
      const msg = await api.sendMessage(this.target.chatId, draft, outbox.params(this.target, { replyTo, disablePreview: true }));
      this.draftId = msg.message_id;
    } else if (!(await outbox.editPlain(this.target, this.draftId, draft))) {
      return;
    }
    this.shownDraft = draft;
    this.lastSendAt = Date.now();
    if (draftText(this.text) !== draft) this.schedule();
  }

  private async deliverFinal(message: Message): Promise<void> {
    const { api, outbox } = this.relay;
    const html = finalHtml(message);
    if (!html) {
      if (this.draftId !== undefined) await api.deleteMessage(this.target.chatId, this.draftId).catch(() => undefined);
      return;
    }
    const chunks = splitTelegramHtml(html);
    let rest = chunks;
    if (this.draftId !== undefined && (await outbox.editHtml(this.target, this.draftId, chunks[0]))) rest = chunks.slice(1);
    const quote = this.draftId === undefined && this.target.isGroup ? this.replyTo() : undefined;
    for (const [i, chunk] of rest.entries()) await outbox.sendHtmlChunk(this.target, chunk, i === 0 ? { replyTo: quote } : {});
  }
}

/**
 * Turns the API's session events into Telegram messages: typing while a turn runs, the reply
 * streamed into one message, service lines for engine switches and fallbacks, in order per
 * chat — also for queued messages, whose replies come later. After a reconnect it catches up
 * on what completed in the meantime, and delivers nothing twice.
 */
export class ReplyRelay {
  private readonly states = new Map<string, SessionState>();

  constructor(readonly options: ReplyRelayOptions) {
    const { events } = options;
    events.on('turn.started', (p) => this.onTurnStarted(p));
    events.on('message.delta', (p) => this.onDelta(p));
    events.on('message.completed', (p) => this.onCompleted(p.sessionId, p.message));
    events.on('message.created', (p) => this.onCreated(p.sessionId, p.message));
    events.onReconnect(() => void this.catchUp());
  }

  get api(): Api {
    return this.options.api;
  }

  get outbox(): Outbox {
    return this.options.outbox;
  }

  /** Routes the session's events to this chat; false when the API's event stream is unreachable. */
  watch(sessionId: string, target: ChatTarget): Promise<boolean> {
    if (!this.states.has(sessionId)) {
      this.states.set(sessionId, {
        sessionId,
        target,
        since: new Date(Date.now() - 2000).toISOString(),
        turns: new Map(),
        pending: [],
        replyTo: new Map(),
        delivered: new BoundedSet(),
        shown: new BoundedSet(),
      });
    }
    return this.options.events.watch(sessionId);
  }

  /** Remembers which Telegram message a text came from, so its reply can quote it. */
  expect(sessionId: string, text: string, messageId: number): void {
    const state = this.states.get(sessionId);
    if (!state) return;
    state.pending.push({ text, messageId });
    if (state.pending.length > 50) state.pending.shift();
  }

  /** Delivers a reply that came back over REST (the event stream was down); never twice. */
  deliver(sessionId: string, message: Message): Promise<unknown> {
    const state = this.states.get(sessionId);
    if (!state || state.delivered.has(message.id)) return Promise.resolve();
    return this.complete(state, message);
  }

  /** Stops every stream and the typing indicators (shutdown). */
  stop(): void {
    for (const state of this.states.values()) for (const t of state.turns.values()) t.cancel();
    this.options.typing.stopAll();
  }

  private onTurnStarted(p: ServerEventMap['turn.started']): void {
    const state = this.states.get(p.sessionId);
    if (!state || state.turns.has(p.turnId)) return;
    state.turns.set(p.turnId, this.newStream(state, p.turnId));
    this.options.typing.start(state.target);
  }

  private onDelta(p: ServerEventMap['message.delta']): void {
    const state = this.states.get(p.sessionId);
    if (!state || state.delivered.has(p.messageId)) return;
    let stream = state.turns.get(p.turnId);
    if (!stream) {
      stream = this.newStream(state, p.turnId);
      state.turns.set(p.turnId, stream);
      this.options.typing.start(state.target);
    }
    stream.append(p.delta);
  }

  private onCompleted(sessionId: string, message: Message): void {
    const state = this.states.get(sessionId);
    if (!state || state.delivered.has(message.id)) return;
    void this.complete(state, message);
  }

  private complete(state: SessionState, message: Message): Promise<unknown> {
    state.delivered.add(message.id);
    const turnId = message.turnId ?? message.id;
    const stream = state.turns.get(turnId) ?? this.newStream(state, turnId);
    state.turns.delete(turnId);
    if (state.turns.size === 0) this.options.typing.stop(state.target);
    const done = stream.finish(message);
    void done.then(() => state.replyTo.delete(turnId));
    return done;
  }

  private onCreated(sessionId: string, message: Message): void {
    const state = this.states.get(sessionId);
    if (!state) return;
    if (message.role === 'user' && message.turnId) {
      const at = state.pending.findIndex((p) => p.text.trim() === message.content.trim());
      if (at >= 0) {
        state.replyTo.set(message.turnId, state.pending[at].messageId);
        state.pending.splice(at, 1);
      }
      return;
    }
    const icon = message.role === 'system' ? SERVICE_LINES[message.kind] : undefined;
    if (!icon || state.shown.has(message.id)) return;
    state.shown.add(message.id);
    const text = message.content.length > SERVICE_LINE_MAX ? `${message.content.slice(0, SERVICE_LINE_MAX - 1)}…` : message.content;
    const { outbox } = this.options;
    void outbox.run(state.target, () => outbox.sendHtml(state.target, `${icon} <i>${escapeHtml(text)}</i>`, { disablePreview: true }));
  }

  private newStream(state: SessionState, turnId: string, initialText = ''): TurnStream {
    return new TurnStream(this, state.target, () => state.replyTo.get(turnId), initialText);
  }

  /** After a reconnect: deliver what completed while we were away; resume what is still streaming. */
  private async catchUp(): Promise<void> {
    for (const state of this.states.values()) {
      try {
        const { messages } = await this.options.client.listMessages(state.sessionId, { limit: 30 });
        for (const m of messages) {
          if (m.createdAt < state.since) continue;
          if (m.role === 'assistant' && m.kind === 'text') {
            const turnId = m.turnId ?? m.id;
            if (m.status === 'streaming') {
              if (!state.turns.has(turnId)) state.turns.set(turnId, this.newStream(state, turnId, m.content));
              this.options.typing.start(state.target);
            } else if (!state.delivered.has(m.id)) {
              await this.complete(state, m);
            }
          } else if (m.role === 'system') {
            this.onCreated(state.sessionId, m);
          }
        }
      } catch (err) {
        this.options.logger.warn({ sessionId: state.sessionId, err: this.options.describe(err) }, 'could not catch up after reconnecting');
      }
    }
  }
}
