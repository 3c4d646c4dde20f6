import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  SwitchboardError,
  type Message,
  type MessageAttachment,
  type QueueResponse,
  type RerunResponse,
  type SendMessageRequest,
  type SendMessageResponse,
} from '@switchboard/protocol';
import { validateModelRef, type ModelCatalog } from '@switchboard/models';
import { clearsModelOverride } from '../commands/parse-command';
import type { SessionRepository } from '../store/session-repository';
import { SESSION_MODEL_KEY } from '../store/session-config.store';
import type { EngineLogger, PeoplePort, ReplicaPort, SendHooks, TurnStartedHook } from '../engine/engine.types';
import { errorText } from '../engine/error-text';
import type { ModelChoice } from '../sessions/model-choice';
import type { SessionEvents } from '../sessions/session-events';
import type { TurnControl } from '../sessions/session.service';
import { deferred, type Deferred } from './deferred';
import type { BackgroundWork, RunningTurn, StartedTurn } from './running-turn';
import { startTurn } from './start-turn';
import type { TurnLeaseKeeper } from './turn-leases';
import type { AttachmentPolicy } from '../attachments/attachment-policy';
import { attachmentRef } from '../store/attachment.store';

export interface TurnQueueDeps {
  repo: SessionRepository;
  catalog: ModelCatalog;
  choice: ModelChoice;
  views: SessionEvents;
  log: EngineLogger;
  /** The turns running on this process, by session: this queue owns it, the runner reads and releases it. */
  running: Map<string, RunningTurn>;
  work: BackgroundWork;
  /** Starts a claimed turn in the background (the turn runner). */
  launch(started: StartedTurn): RunningTurn;
  /** Who people are and what they may send; absent: nobody is known or limited. */
  people?: PeoplePort;
  /** With several replicas: this one's name and leases (absent: the process is alone). */
  replica?: ReplicaPort;
  leases?: TurnLeaseKeeper;
  /** The attachment rules (limits, types, what models read). */
  attachments: AttachmentPolicy;
}

/**
 * One turn at a time per session: a message claims the session or joins its persisted queue
 * (with its model snapshot); a finished turn promotes the head; promote, delete, abort, and
 * recovery after a crash.
 */
export class TurnQueue implements TurnControl {
  private readonly queueWaiters = new Map<string, Deferred<Message | null>>();
  private readonly turnHooks = new Map<string, TurnStartedHook>();
  /** Queued messages someone here waits on, by queued id (= the id of the turn it becomes): their session, and whether it started. */
  private readonly awaited = new Map<string, { sessionId: string; started: boolean }>();
  private stopped = false;

  constructor(private readonly deps: TurnQueueDeps) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  isRunning(sessionId: string): boolean {
    return this.deps.running.has(sessionId);
  }

  /** Marks turns a restart interrupted (partial replies kept) and resumes every queue. */
  async recover(): Promise<void> {
    const { repo, log } = this.deps;
    if (this.deps.leases) {
      // Other replicas may be running turns right now: only lost turns are recovered.
      await this.deps.leases.start();
      for (const sessionId of await repo.queue.sessionsWithQueue()) this.scheduleDrain(sessionId);
      return;
    }
    const interruptedMessages = await repo.messages.markStreamingInterrupted();
    const interruptedSessions = await repo.sessions.markRunningInterrupted();
    for (const sessionId of interruptedSessions) {
      await repo.messages.append({
        sessionId,
        role: 'system',
        kind: 'turn_interrupted',
        content: 'The previous reply was interrupted by a restart; its partial text is kept.',
        event: { reason: 'restart' },
      });
    }
    if (interruptedSessions.length || interruptedMessages.length) {
      log.warn({ sessions: interruptedSessions.length, messages: interruptedMessages.length }, 'recovered turns interrupted by a restart');
    }
    for (const sessionId of await repo.queue.sessionsWithQueue()) this.scheduleDrain(sessionId);
  }

  /** Stops taking turns, aborts running ones (their partial replies are kept) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.deps.leases?.stop();
    const turns = [...this.deps.running.values()];
    for (const t of turns) t.abort.abort();
    await Promise.allSettled(turns.map((t) => t.done.promise));
    await this.deps.work.settled();
  }

  async stopTurn(sessionId: string): Promise<boolean> {
    const turn = this.deps.running.get(sessionId);
    if (!turn) return this.stopElsewhere(sessionId);
    turn.abort.abort();
    await turn.done.promise.catch(() => undefined);
    return true;
  }

  forgetQueued(queuedIds: string[]): void {
    for (const id of queuedIds) {
      this.queueWaiters.get(id)?.resolve(null);
      this.queueWaiters.delete(id);
      this.turnHooks.delete(id);
      this.awaited.delete(id);
    }
  }

  /** A turn running on another replica: ask it to stop. True when the session is running there. */
  private async stopElsewhere(sessionId: string): Promise<boolean> {
    const { replica, repo } = this.deps;
    if (!replica) return false;
    const session = await repo.sessions.get(sessionId);
    if (session?.status !== 'running') return false;
    replica.requestStop(sessionId);
    return true;
  }

  /**
   * What other replicas did that someone here waits on: a message queued here whose turn another
   * replica started (its turn id is the queued id) or finished, or that left the queue without a
   * turn (deleted there).
   */
  onRemoteEvent(event: string, payload: { sessionId?: string; turnId?: string; messageId?: string; message?: Message; queue?: Array<{ id: string }> }): void {
    if (this.awaited.size === 0) return;
    if (event === 'turn.started' && payload.turnId && this.awaited.has(payload.turnId)) {
      this.awaited.get(payload.turnId)!.started = true;
      const hook = this.turnHooks.get(payload.turnId);
      this.turnHooks.delete(payload.turnId);
      hook?.(payload.turnId, payload.messageId ?? '');
    } else if (event === 'message.completed' && payload.turnId && payload.message?.role === 'assistant') {
      const waiter = this.queueWaiters.get(payload.turnId);
      if (!waiter) return;
      this.queueWaiters.delete(payload.turnId);
      this.awaited.delete(payload.turnId);
      waiter.resolve(payload.message);
    } else if (event === 'session.updated' && (payload as { kind?: string }).kind === 'deleted') {
      const sessionId = (payload as { session?: { id: string } }).session?.id;
      this.forgetQueued([...this.awaited].filter(([, w]) => w.sessionId === sessionId).map(([id]) => id));
    } else if (event === 'queue.updated' && payload.sessionId && payload.queue) {
      const still = new Set(payload.queue.map((q) => q.id));
      for (const [id, w] of this.awaited) {
        if (w.sessionId === payload.sessionId && !w.started && !still.has(id)) this.forgetQueued([id]);
      }
    }
  }

  /** Aborts the running turn, keeping its partial reply; false when nothing runs. */
  async abort(sessionId: string): Promise<boolean> {
    await this.deps.repo.sessions.require(sessionId);
    return this.stopTurn(sessionId);
  }

  async listQueue(sessionId: string): Promise<QueueResponse> {
    await this.deps.repo.sessions.require(sessionId);
    return { sessionId, queue: await this.deps.repo.queue.list(sessionId) };
  }

  /** Moves a queued message to the head; with interrupt, stops the running turn so it runs next. */
  async promote(sessionId: string, queuedId: string, interrupt = false): Promise<QueueResponse> {
    await this.deps.repo.transaction(async (tx) => {
      await tx.leases.lockSession(sessionId);
      await tx.sessions.require(sessionId);
      await tx.queue.moveToHead(sessionId, queuedId);
      await tx.sessions.update(sessionId, {});
    });
    await this.deps.views.emitQueue(sessionId);
    const turn = this.deps.running.get(sessionId);
    if (turn && interrupt) {
      this.deps.log.info({ sessionId, turnId: turn.turnId, queuedId }, 'interrupting turn for a promoted message');
      turn.abort.abort();
    } else if (!turn && interrupt && (await this.stopElsewhere(sessionId))) {
      this.deps.log.info({ sessionId, queuedId }, 'asked the replica running the turn to stop it for a promoted message');
    } else if (!turn) {
      this.scheduleDrain(sessionId);
    }
    return this.listQueue(sessionId);
  }

  async deleteQueued(sessionId: string, queuedId: string): Promise<QueueResponse> {
    await this.deps.repo.transaction(async (tx) => {
      await tx.leases.lockSession(sessionId);
      await tx.sessions.require(sessionId);
      const removed = await tx.queue.remove(sessionId, queuedId);
      // A deleted message takes its files with it.
      if (removed.attachments?.length) await tx.attachments.deleteMany(sessionId, removed.attachments.map((a) => a.id));
      await tx.sessions.update(sessionId, {});
    });
    this.forgetQueued([queuedId]);
    await this.deps.views.emitQueue(sessionId);
    return this.listQueue(sessionId);
  }

  /**
   * Sends text as a conversation message: claims the session and starts the turn, or queues
   * the message with its model snapshot. `onTurnStarted` is called when the message's turn
   * starts — at once, or when it leaves the queue.
   */
  async sendText(
    sessionId: string,
    req: SendMessageRequest,
    hooks: SendHooks & { job?: { model?: string | null } } = {},
  ): Promise<SendMessageResponse> {
    const { repo, catalog, choice, views, log, running } = this.deps;
    if (this.stopped) throw new SwitchboardError(ErrorCode.SESSION_BUSY, 'The server is shutting down.');
    // Level 1 is validated before anything is stored. `default` has its one meaning here too:
    // clear the conversation's override (this message follows the chain).
    const clearsOverride = req.model !== undefined && clearsModelOverride(req.model);
    const explicit = req.model && !clearsOverride ? validateModelRef(catalog, req.model).id : null;
    // Level 3: a scheduled job's model or tier (falls through with a warning when it no longer resolves).
    const job = hooks.job?.model ?? null;
    const turnId = randomUUID();
    const attachmentIds = req.attachmentIds ?? [];
    if (!req.text.trim() && attachmentIds.length === 0) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'text: must not be blank (unless the message carries attachments)', { field: 'text' });
    }
    if (attachmentIds.length) this.deps.attachments.checkCount(new Set(attachmentIds).size);

    const outcome = await repo.transaction(async (tx) => {
      await tx.leases.lockSession(sessionId);
      const current = await tx.sessions.require(sessionId);
      // Who sends it: as the door said, else the conversation's own person (a cache read: no extra query).
      const speaker = hooks.speaker !== undefined ? hooks.speaker : current.personId && this.deps.people ? await this.deps.people.speaker(current.personId) : null;
      // Over the sender's limits: refused here, so nothing is stored (scheduled jobs are the owner's own).
      if (!hooks.job && this.deps.people) await this.deps.people.admit(speaker);
      if (explicit) await tx.config.set(sessionId, SESSION_MODEL_KEY, explicit);
      else if (clearsOverride) await tx.config.delete(sessionId, SESSION_MODEL_KEY);
      // The files are taken for this message (all of them, or the send fails and none is).
      const files = await this.takeFiles(tx, sessionId, attachmentIds);
      // Runs now only when idle and nothing waits ahead of it; otherwise it joins the queue.
      const claimed = await tx.sessions.claim(sessionId, turnId, { whenQueueEmpty: true });
      if (!claimed) {
        const override = await tx.config.get(sessionId, SESSION_MODEL_KEY);
        const snapshot = choice.resolveFor(current, { explicit, job, session: override });
        this.deps.attachments.requireReadable(snapshot.modelConfigId, files);
        const queued = await tx.queue.enqueue({
          sessionId,
          text: req.text,
          modelConfigId: snapshot.modelConfigId,
          modelSource: snapshot.source,
          turnOptions: hooks.turnOptions ?? null,
          personId: speaker?.personId ?? null,
          ...(files.length ? { attachments: files } : {}),
        });
        const session = await tx.sessions.update(sessionId, {});
        return { kind: 'queued' as const, queued, session };
      }
      const override = await tx.config.get(sessionId, SESSION_MODEL_KEY);
      const resolution = choice.resolveFor(claimed, { explicit, job, session: override });
      this.deps.attachments.requireReadable(resolution.modelConfigId, files);
      const started = await startTurn(this.deps, tx, claimed, turnId, req.text, resolution, speaker, this.deps.leases, { attachments: files, bind: true });
      return { kind: 'started' as const, started: { ...started, turnOptions: hooks.turnOptions ?? null } };
    });

    if (outcome.kind === 'queued') {
      const waiter = req.wait ? deferred<Message | null>() : null;
      if (waiter) this.queueWaiters.set(outcome.queued.id, waiter);
      if (hooks.onTurnStarted) this.turnHooks.set(outcome.queued.id, hooks.onTurnStarted);
      if ((waiter || hooks.onTurnStarted) && this.deps.replica) this.awaited.set(outcome.queued.id, { sessionId, started: false });
      log.debug({ sessionId, queuedId: outcome.queued.id, model: outcome.queued.modelConfigId }, 'message queued');
      if (explicit || clearsOverride) views.emitSessionLazy('model_change', outcome.session);
      await views.emitQueue(sessionId);
      // The session may have gone idle between our check and now: make sure the queue moves.
      if (!running.has(sessionId)) this.scheduleDrain(sessionId);
      const position = (await repo.queue.list(sessionId)).find((q) => q.id === outcome.queued.id)?.position;
      const queuedMessage = { ...outcome.queued, position: position ?? outcome.queued.position };
      const reply = waiter ? await waiter.promise : null;
      return { queued: true, queuedMessage, ...(reply ? { reply } : {}) };
    }

    hooks.onTurnStarted?.(turnId, outcome.started.assistantMessage.id);
    const turn = this.deps.launch(outcome.started);
    const reply = req.wait ? await turn.done.promise : undefined;
    return { queued: false, turnId, message: outcome.started.userMessage, ...(reply ? { reply } : {}) };
  }

  /**
   * Retry / regenerate (`retry`, on the latest reply) or edit and resend (`edit`, on a user
   * message): archives the history from that turn's user message on (kept, `superseded`) and
   * starts a new turn through the one entry (engine drift, limits, events). Never queued: while a
   * turn runs or messages wait the answer is SESSION_BUSY, since what it would re-run may change.
   */
  async rerun(
    sessionId: string,
    messageId: string,
    action: { kind: 'retry' | 'edit'; text?: string; model?: string; wait?: boolean },
  ): Promise<RerunResponse> {
    const { repo, catalog, choice, views, log, running } = this.deps;
    if (this.stopped) throw new SwitchboardError(ErrorCode.SESSION_BUSY, 'The server is shutting down.');
    const clearsOverride = action.model !== undefined && clearsModelOverride(action.model);
    const explicit = action.model && !clearsOverride ? validateModelRef(catalog, action.model).id : null;
    const turnId = randomUUID();
    const busy = () =>
      new SwitchboardError(ErrorCode.SESSION_BUSY, 'A reply is still being written or messages are waiting: stop it or let the queue finish, then try again.', { sessionId });

    const outcome = await repo.transaction(async (tx) => {
      await tx.leases.lockSession(sessionId);
      const current = await tx.sessions.require(sessionId);
      const target = await tx.messages.get(messageId);
      if (!target || target.sessionId !== sessionId) {
        throw new SwitchboardError(ErrorCode.MESSAGE_NOT_FOUND, `Message ${messageId} does not exist in this conversation.`, { sessionId, messageId });
      }
      if (target.status === 'superseded') throw notActionable(messageId, 'it is archived (an earlier attempt)');
      if (target.status === 'streaming' || running.has(sessionId)) throw busy();
      let from: Message;
      if (action.kind === 'retry') {
        if (target.role !== 'assistant' || target.kind !== 'text') throw notActionable(messageId, 'only a reply can be retried or regenerated');
        const last = await tx.messages.lastAssistant(sessionId);
        if (last?.id !== target.id) throw notActionable(messageId, 'only the latest reply can be retried; edit an earlier message to continue from there');
        const user = target.turnId ? await tx.messages.userMessageOfTurn(sessionId, target.turnId) : null;
        if (!user) throw notActionable(messageId, 'the message that asked for it is not in the history');
        from = user;
      } else {
        if (target.role !== 'user' || target.kind !== 'text') throw notActionable(messageId, 'only a message you sent can be edited');
        from = target;
      }
      const speaker = from.personId && this.deps.people ? await this.deps.people.speaker(from.personId) : current.personId && this.deps.people ? await this.deps.people.speaker(current.personId) : null;
      if (this.deps.people) await this.deps.people.admit(speaker);
      const claimed = await tx.sessions.claim(sessionId, turnId, { whenQueueEmpty: true });
      if (!claimed) throw busy();
      if (explicit) await tx.config.set(sessionId, SESSION_MODEL_KEY, explicit);
      else if (clearsOverride) await tx.config.delete(sessionId, SESSION_MODEL_KEY);
      const archived = await tx.messages.supersedeFrom(sessionId, from.seq, { turnId, reason: action.kind });
      const override = await tx.config.get(sessionId, SESSION_MODEL_KEY);
      const resolution = choice.resolveFor(claimed, { explicit, session: override });
      const text = action.kind === 'edit' ? action.text ?? from.content : from.content;
      // The files go again with the retried or edited message (still bound to the one that first sent them).
      const files = from.attachments ?? [];
      this.deps.attachments.requireReadable(resolution.modelConfigId, files);
      if (!text.trim() && files.length === 0) {
        throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'text: must not be blank (unless the message carries attachments)', { field: 'text' });
      }
      const started = await startTurn(this.deps, tx, claimed, turnId, text, resolution, speaker, this.deps.leases, { attachments: files, bind: false });
      return { archived, started: { ...started, turnOptions: null } };
    });

    log.info({ sessionId, turnId, action: action.kind, messageId, archived: outcome.archived.length, model: outcome.started.resolution.modelConfigId }, 'turn re-run');
    // Every door re-reads the history (the archived attempt changed status), then sees the new turn.
    views.emitSessionLazy('history_change', outcome.started.session);
    const turn = this.deps.launch(outcome.started);
    const reply = action.wait ? await turn.done.promise : undefined;
    return { turnId, message: outcome.started.userMessage, archivedMessageIds: outcome.archived, ...(reply ? { reply } : {}) };
  }

  /**
   * Takes a message's uploads (in the order named): each must be this conversation's and unsent,
   * and together within the message limits. They become `queued` until the message is stored.
   */
  private async takeFiles(tx: SessionRepository, sessionId: string, ids: readonly string[]): Promise<MessageAttachment[]> {
    if (ids.length === 0) return [];
    const taken = await tx.attachments.claim(sessionId, ids, null);
    this.deps.attachments.checkMessage(taken);
    return taken.map(attachmentRef);
  }

  scheduleDrain(sessionId: string): void {
    this.deps.work.track(this.drain(sessionId).catch((err) => this.deps.log.error({ sessionId, err: errorText(err) }, 'queue drain failed')));
  }

  /** Promotes the head of the queue when the session is free; re-validates its model snapshot. */
  async drain(sessionId: string): Promise<void> {
    const { repo, choice, running, log } = this.deps;
    if (this.stopped || running.has(sessionId)) return;
    // Most turns end with an empty queue: check without opening a transaction.
    if ((await repo.queue.count(sessionId)) === 0) return;
    const outcome = await repo.transaction(async (tx) => {
      await tx.leases.lockSession(sessionId);
      const head = await tx.queue.head(sessionId);
      if (!head) return null;
      // The queued id becomes the turn id: a replica that queued the message knows its turn by it.
      const turnId = head.id;
      const claimed = await tx.sessions.claim(sessionId, turnId);
      if (!claimed) return null;
      await tx.queue.remove(sessionId, head.id);
      const override = await tx.config.get(sessionId, SESSION_MODEL_KEY);
      const resolution = choice.resolveFor(claimed, { queued: head.modelConfigId, session: override });
      // The sender as they are now (their role may have changed while the message waited).
      const speaker = head.personId && this.deps.people ? await this.deps.people.speaker(head.personId) : null;
      const started = await startTurn(this.deps, tx, claimed, turnId, head.text, resolution, speaker, this.deps.leases, {
        attachments: head.attachments ?? [],
        bind: true,
      });
      return { head, started: { ...started, turnOptions: head.turnOptions } };
    });
    if (!outcome) return;
    log.debug({ sessionId, queuedId: outcome.head.id, model: outcome.started.resolution.modelConfigId }, 'queued message promoted');
    const hook = this.turnHooks.get(outcome.head.id);
    this.turnHooks.delete(outcome.head.id);
    this.awaited.delete(outcome.head.id);
    hook?.(outcome.started.turnId, outcome.started.assistantMessage.id);
    const turn = this.deps.launch(outcome.started);
    const waiter = this.queueWaiters.get(outcome.head.id);
    if (waiter) {
      this.queueWaiters.delete(outcome.head.id);
      turn.done.promise.then((m) => waiter.resolve(m), (e) => waiter.reject(e));
    }
    await this.deps.views.emitQueue(sessionId);
  }
}

function notActionable(messageId: string, why: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.MESSAGE_NOT_ACTIONABLE, `Message ${messageId} cannot be used here: ${why}.`, { messageId });
}
