import { GrammyError, HttpError, type Api } from 'grammy';
import type { Logger } from 'pino';
import type { Message, ServerEventMap, SwitchboardClient, ToolCallSummary } from '@switchboard/protocol';
import type { ChatTarget } from '../bot/chat-target';
import { limitReply } from '../bot/errors';
import { escapeHtml } from '../format/html';
import { markdownToTelegramHtml } from '../format/markdown-to-telegram-html';
import { replyWithExtras, toolLinesText } from '../format/reply-extras';
import { splitTelegramHtml, TELEGRAM_CHUNK_LIMIT } from '../format/split-html';
import type { ApiEvents } from './api-events';
import { BoundedSet } from './bounded-set';
import { DeliveryLedger, isDeliverable, SERVICE_LINES } from './delivery-ledger';
import type { Outbox } from './outbox';
import type { SessionDirectory } from './session-directory';
import type { Typing } from './typing';

const SERVICE_LINE_MAX = 300;
/** A native draft is a preview Telegram drops after about 30 s: re-sent this often while a turn is quiet. */
const DRAFT_REFRESH_MS = 20_000;
/** After a failed claim (the API unreachable), the session is swept again this much later. */
const RETRY_SWEEP_MS = 3000;
/** Cursor housekeeping after a delivery waits this long, so one turn's messages share a write. */
const SETTLE_SWEEP_MS = 300;

export interface ReplyRelayOptions {
  api: Api;
  client: SwitchboardClient;
  events: ApiEvents;
  outbox: Outbox;
  typing: Typing;
  sessions: SessionDirectory;
  logger: Logger;
  describe: (err: unknown) => string;
  editIntervalMs: number;
  groupEditIntervalMs: number;
  /** `draft`: native drafts (sendMessageDraft) in private chats, edits in groups; `edit`: edits everywhere. */
  streaming: 'draft' | 'edit';
  /** The delivery cursor's consumer name in the API. */
  consumer: string;
  /** How far back a chat never delivered to is caught up. */
  catchUpMs: number;
}

interface SessionState {
  sessionId: string;
  target: ChatTarget;
  ledger: DeliveryLedger;
  turns: Map<string, TurnStream>;
  /** Telegram messages sent to the API and not yet seen as a user message (to quote them in groups). */
  pending: Array<{ text: string; messageId: number }>;
  replyTo: Map<string, number>;
  /** Messages this process is delivering or has delivered (the ledger is the durable record). */
  delivered: BoundedSet<string>;
  sweepTimer: NodeJS.Timeout | null;
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

/**
 * The friendly line for a turn the limits refused after its message was accepted (a queued
 * message whose turn came when its sender was over a limit): the event's error code and details.
 */
export function limitRefusal(message: Pick<Message, 'role' | 'event'>): string | null {
  const event = message.event;
  if (message.role !== 'system' || !event || typeof event.code !== 'string') return null;
  const details = event.details && typeof event.details === 'object' ? (event.details as Record<string, unknown>) : event;
  return limitReply(event.code, details);
}

/** A streamed draft: plain text (never a formatting failure mid-stream), cut to fit one message. */
export function draftText(text: string): string {
  const t = text.trim();
  if (!t) return '';
  return t.length > TELEGRAM_CHUNK_LIMIT - 10 ? `${t.slice(0, TELEGRAM_CHUNK_LIMIT - 10).trimEnd()} …` : `${t} …`;
}

/**
 * One turn's reply in one chat. In private chats a native draft (sendMessageDraft): Telegram
 * shows the text growing as the user's own "typing" preview, then the final reply arrives as
 * one new message (with its notification). In groups, and where drafts are not available, a
 * message edited as deltas arrive, replaced by the final formatted reply (the draft becomes
 * its first chunk, so the final text is never sent twice). At most one draft update per
 * interval, and only when the text changed.
 */
class TurnStream {
  private text = '';
  /** The turn's tool calls so far, shown as short lines above the text (never their input or output). */
  private tools: ToolCallSummary[] = [];
  private draftId: number | undefined;
  private readonly nativeId: number;
  private nativeShown = false;
  private shownDraft = '';
  private lastSendAt: number;
  private timer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  /** A draft update is being sent: the next one is timed from its end. */
  private flushing = false;
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
    this.nativeId = 1 + Math.floor(Math.random() * 2_000_000_000);
    if (initialText) this.schedule();
  }

  append(delta: string): void {
    if (this.done) return;
    this.text += delta;
    this.schedule();
  }

  toolStarted(p: ServerEventMap['tool.started']): void {
    if (this.done || this.tools.some((t) => t.toolCallId === p.toolCallId)) return;
    this.tools.push({ toolCallId: p.toolCallId, toolName: p.toolName, input: undefined, state: 'running' });
    this.schedule();
  }

  toolFinished(p: ServerEventMap['tool.finished']): void {
    if (this.done) return;
    const call = this.tools.find((t) => t.toolCallId === p.toolCallId);
    if (call) call.state = p.ok ? 'ok' : 'error';
    else this.tools.push({ toolCallId: p.toolCallId, toolName: p.toolName, input: undefined, state: p.ok ? 'ok' : 'error' });
    this.schedule();
  }

  /** What the draft shows: the tool lines, then the text so far. */
  private draft(): string {
    return draftText([toolLinesText(this.tools), this.text].filter((s) => s.trim()).join('\n\n'));
  }

  /** Sends the final reply (after any draft update already queued for this chat). */
  finish(message: Message): Promise<unknown> {
    this.stopTimer();
    return this.relay.outbox.run(this.target, () => this.deliverFinal(message));
  }

  /** The reply is someone else's to deliver (another bot instance claimed it): our draft goes. */
  discard(): Promise<unknown> {
    this.stopTimer();
    const { api, outbox } = this.relay;
    const id = this.draftId;
    if (id === undefined) return Promise.resolve();
    return outbox.run(this.target, () => api.deleteMessage(this.target.chatId, id).catch(() => undefined));
  }

  cancel(): void {
    this.stopTimer();
  }

  private stopTimer(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.timer = null;
    this.refreshTimer = null;
  }

  private get native(): boolean {
    return !this.target.isGroup && this.relay.nativeDrafts && this.draftId === undefined;
  }

  private schedule(): void {
    if (this.timer || this.done || this.flushing) return;
    const interval = this.target.isGroup ? this.relay.options.groupEditIntervalMs : this.relay.options.editIntervalMs;
    const wait = Math.max(0, this.lastSendAt + interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.relay.outbox.run(this.target, () => this.flushDraft());
    }, wait);
  }

  private async flushDraft(): Promise<void> {
    if (this.done) return;
    this.flushing = true;
    try {
      await this.updateDraft();
    } finally {
      this.flushing = false;
    }
    if (this.draft() !== this.shownDraft) this.schedule();
    else if (this.nativeShown) this.keepAlive();
  }

  private async updateDraft(): Promise<void> {
    const draft = this.draft();
    if (!draft) return;
    const stale = Date.now() - this.lastSendAt >= DRAFT_REFRESH_MS;
    if (draft === this.shownDraft && !(this.nativeShown && stale)) return;
    const { api, outbox } = this.relay;
    this.lastSendAt = Date.now();
    if (this.native && (await this.sendNative(draft))) {
      this.nativeShown = true;
    } else if (this.draftId === undefined) {
      const replyTo = this.target.isGroup ? this.replyTo() : undefined;
      const msg = await api.sendMessage(this.target.chatId, draft, outbox.params(this.target, { replyTo, disablePreview: true }));
      this.draftId = msg.message_id;
    } else if (!(await outbox.editPlain(this.target, this.draftId, draft))) {
      return;
    }
    this.shownDraft = draft;
    this.lastSendAt = Date.now();
  }

  /** A quiet turn (a tool running) keeps its native draft on screen. */
  private keepAlive(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (!this.timer) void this.relay.outbox.run(this.target, () => this.flushDraft());
    }, DRAFT_REFRESH_MS);
    this.refreshTimer.unref?.();
  }

  /** True when the native draft was shown; false (and drafts off for the bot) when Telegram does not offer them. */
  private async sendNative(draft: string): Promise<boolean> {
    try {
      await this.relay.api.sendMessageDraft(this.target.chatId, this.nativeId, draft, this.target.threadId ? { message_thread_id: this.target.threadId } : {});
      return true;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof GrammyError && err.error_code === 429) throw err;
      this.relay.draftsUnavailable(err);
      return false;
    }
  }

  private async deliverFinal(message: Message): Promise<void> {
    const { api, outbox } = this.relay;
    const html = replyWithExtras(message, finalHtml(message), await this.relay.showsReasoning(message));
    if (!html) {
      if (this.draftId !== undefined) await api.deleteMessage(this.target.chatId, this.draftId).catch(() => undefined);
      return;
    }
    const chunks = splitTelegramHtml(html);
    let rest = chunks;
    if (this.draftId !== undefined && (await outbox.editHtml(this.target, this.draftId, chunks[0], { disablePreview: true }))) rest = chunks.slice(1);
    const quote = this.draftId === undefined && this.target.isGroup ? this.replyTo() : undefined;
    for (const [i, chunk] of rest.entries()) await outbox.sendHtmlChunk(this.target, chunk, { disablePreview: true, ...(i === 0 ? { replyTo: quote } : {}) });
  }
}

/**
 * Turns the API's session events into Telegram messages, for every Telegram session whoever
 * started the turn (the chat, a job, the dashboard, an integrator): typing while a turn runs,
 * the reply streamed, service lines for engine switches and fallbacks, in order per chat.
 * Every finished reply and service line is claimed in the session's delivery cursor (kept by
 * the API) before it is sent, and each (re)connect sweeps every Telegram session for what
 * finished meanwhile: nothing is delivered twice, nothing is lost across restarts.
 */
export class ReplyRelay {
  private readonly states = new Map<string, SessionState>();
  private readonly resolving = new Map<string, Array<(state: SessionState) => void>>();
  private stopped = false;
  private draftsOff = false;

  constructor(readonly options: ReplyRelayOptions) {
    const { events } = options;
    events.on('turn.started', (p) => this.with(p.sessionId, (s) => this.onTurnStarted(s, p)));
    events.on('message.delta', (p) => this.with(p.sessionId, (s) => this.onDelta(s, p)));
    events.on('tool.started', (p) => this.with(p.sessionId, (s) => this.streamOf(s, p.turnId).toolStarted(p)));
    events.on('tool.finished', (p) => this.with(p.sessionId, (s) => this.streamOf(s, p.turnId).toolFinished(p)));
    events.on('message.completed', (p) => this.with(p.sessionId, (s) => void this.complete(s, p.message)));
    events.on('message.created', (p) => this.with(p.sessionId, (s) => this.onCreated(s, p.message)));
    events.on('session.updated', (p) => this.onSessionUpdated(p));
    events.onConnected(() => void this.catchUpAll());
  }

  get api(): Api {
    return this.options.api;
  }

  get outbox(): Outbox {
    return this.options.outbox;
  }

  /** Native drafts in private chats (until Telegram says it does not offer them). */
  get nativeDrafts(): boolean {
    return this.options.streaming === 'draft' && !this.draftsOff;
  }

  /**
   * Whether a reply's reasoning goes with it: only when it has some and its chat asked for it
   * (`/reasoning on`, read from the session when needed); never when the session cannot be read.
   */
  async showsReasoning(message: Message): Promise<boolean> {
    if (!message.parts.some((p) => p.type === 'reasoning' && p.text.trim())) return false;
    try {
      return (await this.options.client.getSession(message.sessionId)).showReasoning === true;
    } catch (err) {
      this.options.logger.warn({ sessionId: message.sessionId, err: this.options.describe(err) }, 'could not read whether the chat shows reasoning; sending the reply without it');
      return false;
    }
  }

  draftsUnavailable(err: unknown): void {
    if (this.draftsOff) return;
    this.draftsOff = true;
    this.options.logger.warn({ err: this.options.describe(err) }, 'sendMessageDraft is not available; streaming by editing messages instead');
  }

  /** Makes sure the session's messages reach this chat; false when the API's event stream is unreachable. */
  watch(sessionId: string, target: ChatTarget): Promise<boolean> {
    this.stateFor(sessionId, target);
    return this.options.events.watch();
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
    if (!state) return Promise.resolve();
    return this.complete(state, message);
  }

  /** Stops every stream, the typing indicators and the sweeps (shutdown); see settle(). */
  stop(): void {
    this.stopped = true;
    for (const state of this.states.values()) {
      for (const t of state.turns.values()) t.cancel();
      if (state.sweepTimer) clearTimeout(state.sweepTimer);
      state.sweepTimer = null;
    }
    this.options.typing.stopAll();
  }

  /** Resolves when every claim and sweep under way has finished (its sends are then in the outbox). */
  async settle(): Promise<void> {
    await Promise.all([...this.states.values()].map((s) => s.ledger.idle()));
  }

  /** Sweeps every Telegram session for what finished while the bot (or the API) was away. */
  async catchUpAll(): Promise<void> {
    const { client, sessions, logger, describe } = this.options;
    let list;
    try {
      list = (await client.listSessions({ channel: 'telegram', limit: 500 })).sessions;
    } catch (err) {
      logger.warn({ err: describe(err) }, 'could not list Telegram sessions to catch up');
      return;
    }
    for (const session of list) {
      if (this.stopped) return;
      const target = sessions.learn(session);
      if (target) await this.sweep(this.stateFor(session.id, target));
    }
  }

  /** Runs fn with the session's state once it is known to be a Telegram chat's; other sessions are ignored. */
  private with(sessionId: string, fn: (state: SessionState) => void): void {
    const state = this.states.get(sessionId);
    if (state) return fn(state);
    const queued = this.resolving.get(sessionId);
    if (queued) return void queued.push(fn);
    this.resolving.set(sessionId, [fn]);
    this.options.sessions.targetOf(sessionId).then(
      (target) => {
        const waiting = this.resolving.get(sessionId) ?? [];
        this.resolving.delete(sessionId);
        if (!target) return;
        const s = this.stateFor(sessionId, target);
        for (const f of waiting) f(s);
      },
      (err: unknown) => {
        // The catch-up after the API comes back delivers what finished.
        this.resolving.delete(sessionId);
        this.options.logger.debug({ sessionId, err: this.options.describe(err) }, 'could not look up the session of an event');
      },
    );
  }

  private stateFor(sessionId: string, target: ChatTarget): SessionState {
    let state = this.states.get(sessionId);
    if (!state) {
      const { client, consumer, catchUpMs } = this.options;
      state = {
        sessionId,
        target,
        ledger: new DeliveryLedger({ client, sessionId, consumer, catchUpMs }),
        turns: new Map(),
        pending: [],
        replyTo: new Map(),
        delivered: new BoundedSet(),
        sweepTimer: null,
      };
      this.states.set(sessionId, state);
    }
    return state;
  }

  private onSessionUpdated(p: ServerEventMap['session.updated']): void {
    const { sessions } = this.options;
    if (p.kind === 'deleted') {
      const state = this.states.get(p.session.id);
      for (const t of state?.turns.values() ?? []) t.cancel();
      if (state?.sweepTimer) clearTimeout(state.sweepTimer);
      this.states.delete(p.session.id);
      sessions.drop(p.session.id);
      return;
    }
    const target = sessions.learn(p.session);
    if (!target) return;
    const state = this.stateFor(p.session.id, target);
    if (p.kind === 'history_change') {
      state.ledger.rebase().catch((err: unknown) => this.options.logger.warn({ sessionId: state.sessionId, err: this.options.describe(err) }, 'could not reset the delivery cursor'));
    }
  }

  private onTurnStarted(state: SessionState, p: ServerEventMap['turn.started']): void {
    if (state.turns.has(p.turnId)) return;
    state.turns.set(p.turnId, this.newStream(state, p.turnId));
    this.options.typing.start(state.target);
  }

  private onDelta(state: SessionState, p: ServerEventMap['message.delta']): void {
    if (state.delivered.has(p.messageId)) return;
    this.streamOf(state, p.turnId).append(p.delta);
  }

  /** The turn's stream, started (with the typing indicator) by whichever of its events comes first. */
  private streamOf(state: SessionState, turnId: string): TurnStream {
    let stream = state.turns.get(turnId);
    if (!stream) {
      stream = this.newStream(state, turnId);
      state.turns.set(turnId, stream);
      this.options.typing.start(state.target);
    }
    return stream;
  }

  /** A finished reply or service line: claimed in the ledger, then sent (unless someone else claimed it). */
  private async complete(state: SessionState, message: Message): Promise<void> {
    if (!isDeliverable(message) || state.delivered.has(message.id)) return;
    state.delivered.add(message.id);
    const turnId = message.turnId ?? message.id;
    const stream = message.role === 'assistant' ? this.takeStream(state, turnId) : null;
    let claimed: boolean;
    try {
      claimed = await state.ledger.claim(message);
    } catch (err) {
      // The API is unreachable: not delivered yet. A later sweep (or the reconnect's) claims it.
      this.options.logger.warn({ sessionId: state.sessionId, messageId: message.id, err: this.options.describe(err) }, 'could not record a delivery; retrying later');
      state.delivered.delete(message.id);
      if (stream) state.turns.set(turnId, stream);
      this.scheduleSweep(state, RETRY_SWEEP_MS);
      return;
    }
    if (!claimed) {
      await stream?.discard();
      return;
    }
    await this.send(state, message, stream);
    this.scheduleSweep(state, SETTLE_SWEEP_MS);
  }

  /** Sends a claimed message: a reply through its stream, a service line as one short line. */
  private send(state: SessionState, message: Message, stream: TurnStream | null): Promise<unknown> {
    if (message.role === 'assistant') {
      const s = stream ?? this.newStream(state, message.turnId ?? message.id);
      const done = s.finish(message);
      void done.then(() => state.replyTo.delete(message.turnId ?? message.id));
      return done;
    }
    const { outbox } = this.options;
    const refusal = limitRefusal(message);
    if (refusal) return outbox.run(state.target, () => outbox.sendPlain(state.target, refusal));
    const icon = SERVICE_LINES[message.kind] ?? 'ℹ️';
    const text = message.content.length > SERVICE_LINE_MAX ? `${message.content.slice(0, SERVICE_LINE_MAX - 1)}…` : message.content;
    return outbox.run(state.target, () => outbox.sendHtml(state.target, `${icon} <i>${escapeHtml(text)}</i>`, { disablePreview: true }));
  }

  private takeStream(state: SessionState, turnId: string): TurnStream | null {
    const stream = state.turns.get(turnId) ?? null;
    state.turns.delete(turnId);
    if (state.turns.size === 0) this.options.typing.stop(state.target);
    return stream;
  }

  private onCreated(state: SessionState, message: Message): void {
    if (message.role === 'user' && message.turnId) {
      const at = state.pending.findIndex((p) => p.text.trim() === message.content.trim());
      if (at >= 0) {
        state.replyTo.set(message.turnId, state.pending[at].messageId);
        state.pending.splice(at, 1);
      }
      return;
    }
    if (message.role === 'system' && isDeliverable(message)) void this.complete(state, message);
  }

  private scheduleSweep(state: SessionState, delayMs: number): void {
    if (state.sweepTimer || this.stopped) return;
    state.sweepTimer = setTimeout(() => {
      state.sweepTimer = null;
      // Without the event stream the API is likely down: the catch-up after reconnecting sweeps.
      if (this.options.events.connected) void this.sweep(state);
    }, delayMs);
    state.sweepTimer.unref?.();
  }

  /** Delivers what the ledger says is due (claiming each), and moves the cursor past what is handled. */
  private async sweep(state: SessionState): Promise<void> {
    if (this.stopped) return;
    try {
      await state.ledger.sweep(
        (m) => {
          state.delivered.add(m.id);
          void this.send(state, m, m.role === 'assistant' ? this.takeStream(state, m.turnId ?? m.id) : null);
        },
        {
          skip: (m) => state.delivered.has(m.id),
          streaming: (m) => {
            // A reply still being written when we (re)connected: resume its draft from what is there.
            const turnId = m.turnId ?? m.id;
            if (state.turns.has(turnId) || this.stopped) return;
            state.turns.set(turnId, this.newStream(state, turnId, m.content));
            this.options.typing.start(state.target);
          },
        },
      );
    } catch (err) {
      this.options.logger.warn({ sessionId: state.sessionId, err: this.options.describe(err) }, 'could not catch up on a chat; retrying later');
      this.scheduleSweep(state, RETRY_SWEEP_MS);
    }
  }

  private newStream(state: SessionState, turnId: string, initialText = ''): TurnStream {
    return new TurnStream(this, state.target, () => state.replyTo.get(turnId), initialText);
  }
}
