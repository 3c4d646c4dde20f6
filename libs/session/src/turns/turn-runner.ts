import type { ContentPart, Message } from '@switchboard/protocol';
import type { AgentConfig, ChatMessage, CountTokens, LoadedConfig, ModelCatalog, ToolSpec } from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import type { SessionRecord } from '../store/session.store';
import { groupIdOf, type EngineEventSink, type EngineLogger, type ModelStreamer, type StreamResult, type TurnContext, type TurnHooks } from '../engine/engine.types';
import { errorText, shortError } from '../engine/error-text';
import { classifyTurnError } from '../engine/turn-error-kind';
import { buildPrompt, type BuiltPrompt } from '../context/build-prompt';
import { DEFAULT_SYSTEM_PROMPT, type ConversationContext } from '../context/conversation-context';
import type { Delegator } from '../delegation/delegator';
import { generateTitle } from '../delegation/titles';
import { summariseToolResult } from '../delegation/tool-summaries';
import type { ModelChoice } from '../sessions/model-choice';
import type { SessionEvents } from '../sessions/session-events';
import { deferred } from './deferred';
import { prepareTurnContext } from './prepare-system';
import type { BackgroundWork, RunningTurn, StartedTurn } from './running-turn';
import { loadTurnFiles, type HistoryMessage } from '../attachments/turn-files';

export interface TurnRunnerDeps {
  repo: SessionRepository;
  catalog: ModelCatalog;
  config: LoadedConfig;
  streamer: ModelStreamer;
  events: EngineEventSink;
  log: EngineLogger;
  hooks: TurnHooks[];
  tools: ToolSpec[];
  /** How often a streaming reply's partial text is saved (so a crash keeps it). */
  partialFlushMs: number;
  choice: ModelChoice;
  context: ConversationContext;
  delegator: Delegator;
  views: SessionEvents;
  /** The turns running on this process, by session (owned by the turn queue). */
  running: Map<string, RunningTurn>;
  work: BackgroundWork;
  /** Runs once a turn has ended and released its session: the queue moves on. */
  afterTurn(sessionId: string): Promise<void>;
  /** Replicas share the database: a turn ends only while it holds its lease. */
  leased?: boolean;
}

/** The turn's lease was recovered by another replica: that replica wrote its outcome. */
class TurnLeaseLost extends Error {}

/**
 * Runs a started turn: prompt (hooks, context, compaction), the streamed model call with tools
 * and failover, partial flushes, and the end of the turn, which must land (retried, then a
 * last-resort release).
 */
export class TurnRunner {
  constructor(private readonly deps: TurnRunnerDeps) {}

  /** Runs a started turn in the background and returns its handle. */
  launch(started: StartedTurn): RunningTurn {
    const turn: RunningTurn = {
      turnId: started.turnId,
      sessionId: started.session.id,
      assistantMessageId: started.assistantMessage.id,
      resolution: started.resolution,
      abort: new AbortController(),
      partial: '',
      flushTimer: null,
      done: deferred<Message>(),
    };
    this.deps.running.set(turn.sessionId, turn);
    const sessionId = turn.sessionId;
    if (started.switchMessage && started.switchEvent) {
      this.deps.events.emit('message.created', { sessionId, message: started.switchMessage });
      this.deps.events.emit('engine.switched', { sessionId, ...started.switchEvent, message: started.switchMessage });
      this.deps.log.info(
        { sessionId, turnId: turn.turnId, from: started.switchEvent.from.modelConfigId, to: started.switchEvent.to.modelConfigId },
        'engine switch',
      );
    }
    if (this.deps.events.hasWatchers(sessionId, 'message.created')) this.deps.events.emit('message.created', { sessionId, message: started.userMessage });
    if (this.deps.events.hasWatchers(sessionId, 'turn.started')) {
      this.deps.events.emit('turn.started', {
        sessionId,
        turnId: turn.turnId,
        messageId: turn.assistantMessageId,
        modelConfigId: turn.resolution.modelConfigId,
        modelSource: turn.resolution.source,
        modelLabel: started.assistantMessage.modelLabel ?? turn.resolution.modelConfigId,
        warnings: turn.resolution.warnings,
      });
    }
    this.deps.views.emitSessionLazy('status_change', started.session);
    // Delegated calls made for this turn (compaction, tool summaries) count toward its speaker.
    const release = this.deps.delegator.trackTurn(turn.turnId, started.speaker?.personId ?? null);
    const run = this.run(turn, started)
      .catch((err) => {
        this.deps.log.error({ sessionId, turnId: turn.turnId, err: errorText(err) }, 'turn failed unexpectedly');
        turn.done.reject(err);
      })
      .finally(release);
    this.deps.work.track(run);
    return turn;
  }

  private async run(turn: RunningTurn, started: StartedTurn): Promise<void> {
    const { sessionId, turnId } = turn;
    const log = this.deps.log.child({ sessionId, turnId });
    const t0 = performance.now();
    const model = this.deps.catalog.get(turn.resolution.modelConfigId);
    const agent = this.deps.choice.agentFor(started.session);
    const ctx: TurnContext = {
      sessionId,
      turnId,
      channel: started.session.channel,
      peerId: started.session.peerId,
      projectId: started.session.projectId,
      agent: started.session.agent,
      userText: started.userMessage.content,
      userMessageId: started.userMessage.id,
      speaker: started.speaker,
      groupId: groupIdOf(started.session),
    };
    const system = agent?.systemPrompt ?? this.deps.config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
    const turnContext = await prepareTurnContext(this.deps.hooks, ctx, log);
    const contextWindow = model?.contextWindow ?? 8192;
    const count = this.deps.streamer.tokenCounter?.(turn.resolution.modelConfigId);
    // Compaction counts the turn's material too: it is part of what has to fit.
    const counted = turnContext ? `${system}\n\n${turnContext}` : system;
    const { history, summary } = await this.deps.context.contextFor(sessionId, turnId, counted, contextWindow, false, log, count);
    let prompt = buildPrompt({
      system: summary ? `${system}\n\n<conversation_summary>\n${summary}\n</conversation_summary>` : system,
      history,
      contextWindow,
      ...(turnContext ? { turnContext } : {}),
      ...(count ? { count } : {}),
    });
    if (prompt.summarisedCount) log.info({ summarised: prompt.summarisedCount }, 'history summarised to fit the context budget');
    const withFiles = (messages: HistoryMessage[]) =>
      loadTurnFiles(this.deps.repo.attachments, messages, {
        acceptsPdf: this.deps.catalog.accepts(turn.resolution.modelConfigId, 'pdf'),
        contextWindow,
        pdfTextMaxChars: this.deps.config.attachments.pdfTextMaxChars,
        log,
      });
    let messages: ChatMessage[] = [];

    const watched = () => this.deps.events.hasWatchers(sessionId, 'message.delta');
    let status: Message['status'] = 'complete';
    let text = '';
    let parts: ContentPart[] = [];
    let answeredBy = turn.resolution.modelConfigId;
    const warnings = [...turn.resolution.warnings];
    let usage: { inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: number } | null = null;
    let errorMessage: string | null = null;
    let errorStatus: number | undefined;
    const fallbackEvents: Message[] = [];
    try {
      // Inside the try: a file that cannot be loaded fails the turn like a provider would.
      messages = await withFiles(prompt.messages);
      const call = () => this.deps.streamer.stream({
        modelConfigId: turn.resolution.modelConfigId,
        system: prompt.system,
        messages,
        abortSignal: turn.abort.signal,
        ...(started.turnOptions?.callSettings ? { callSettings: started.turnOptions.callSettings } : {}),
        ...(started.turnOptions?.maxOutputTokens !== undefined ? { maxOutputTokens: started.turnOptions.maxOutputTokens } : {}),
        tools: this.toolsFor(agent),
        toolContext: { sessionId, turnId, channel: ctx.channel, peerId: ctx.peerId, projectId: ctx.projectId, speaker: ctx.speaker, groupId: ctx.groupId },
        maxToolIterations: this.deps.config.limits.maxToolIterations,
        toolResultMaxChars: this.deps.config.limits.toolResultMaxChars,
        summariseToolResult: (toolName, raw) => summariseToolResult(this.deps.delegator, this.deps.config.limits.toolResultMaxChars, { sessionId, turnId, toolName, raw }),
        onToolEvent: (e) => {
          if (!this.deps.events.hasWatchers(sessionId, 'tool.started')) return;
          if (e.type === 'started') this.deps.events.emit('tool.started', { sessionId, turnId, toolCallId: e.toolCallId, toolName: e.toolName, input: e.input });
          else this.deps.events.emit('tool.finished', { sessionId, turnId, toolCallId: e.toolCallId, toolName: e.toolName, ok: e.ok, output: e.output, durationMs: e.durationMs });
        },
        onFallback: (notice) => {
          const from = this.deps.catalog.label(notice.from);
          const to = this.deps.catalog.label(notice.to);
          warnings.push(`${from} failed; answered by ${to} for this reply only.`);
          log.warn({ from: notice.from, to: notice.to, err: notice.error }, 'model fallback');
          void this.deps.views.appendSystemEvent(sessionId, 'model_fallback', `${from} is not answering (${shortError(notice.error)}); using ${to} for this reply.`, {
            from: notice.from,
            to: notice.to,
            error: notice.error,
            turnId,
          }).then((m) => fallbackEvents.push(m), () => undefined);
        },
        onReasoningDelta: (delta) => {
          if (this.deps.events.hasWatchers(sessionId, 'message.reasoning')) this.deps.events.emit('message.reasoning', { sessionId, turnId, messageId: turn.assistantMessageId, delta });
        },
        onDelta: (delta) => {
          turn.partial += delta;
          if (watched()) this.deps.events.emit('message.delta', { sessionId, turnId, messageId: turn.assistantMessageId, delta });
          if (!turn.flushTimer) turn.flushTimer = setTimeout(() => this.flushPartial(turn), this.deps.partialFlushMs);
        },
      });
      let result: StreamResult;
      try {
        result = await call();
      } catch (err) {
        // The provider counted more tokens than we did: compact now and try once more.
        const refitted = await this.refitAfterOverflow(err, turn, { system, turnContext, contextWindow, count }, log);
        if (!refitted) throw err;
        prompt = refitted;
        messages = await withFiles(prompt.messages);
        result = await call();
      }
      text = result.text;
      parts = result.parts ?? (text ? [{ type: 'text', text }] : []);
      answeredBy = result.modelConfigId ?? answeredBy;
      usage = { ...result.usage, costUsd: result.costUsd };
      if (result.aborted) status = 'interrupted';
    } catch (err) {
      text = (err as { partialText?: string }).partialText || turn.partial;
      // A reply cut off after the user saw some of it ends interrupted (kept); nothing seen = error.
      status = turn.abort.signal.aborted || text ? 'interrupted' : 'error';
      if (!turn.abort.signal.aborted) errorMessage = errorText(err);
      const httpStatus = (err as { status?: unknown }).status;
      if (typeof httpStatus === 'number') errorStatus = httpStatus;
      parts = text ? [{ type: 'text', text }] : [];
      log.warn({ err: errorMessage, model: turn.resolution.modelConfigId }, 'model call failed');
    }
    if (turn.flushTimer) clearTimeout(turn.flushTimer);

    // The end of a turn must land: retried (an outside writer can hold the database busy), and
    // when it cannot, the session is released anyway with the outcome recorded as best it can be.
    const finish = async (tx: SessionRepository) => {
      if (this.deps.leased) {
        await tx.leases.lockSession(sessionId);
        if (!(await tx.leases.release(sessionId, turnId))) throw new TurnLeaseLost();
      }
      const message = await tx.messages.update(turn.assistantMessageId, {
        content: text,
        status,
        usage,
        parts,
        warnings,
        ...(answeredBy !== turn.resolution.modelConfigId ? { modelConfigId: answeredBy, modelLabel: this.deps.catalog.label(answeredBy) } : {}),
      });
      if (usage) {
        await tx.usage.record({
          sessionId,
          turnId,
          messageId: turn.assistantMessageId,
          personId: started.speaker?.personId ?? null,
          role: 'primary',
          modelConfigId: answeredBy,
          ...usage,
        });
      }
      const errorEvent = errorMessage
        ? await tx.messages.append({
            sessionId,
            turnId,
            role: 'system',
            kind: 'turn_error',
            content: text
              ? `The reply was cut off: ${shortError(errorMessage)}. The partial reply is kept.`
              : `The model call failed: ${shortError(errorMessage)}`,
            // errorKind: what people are told (unreachable, bad key, rate limited, context too long …).
            event: { error: errorMessage, modelConfigId: answeredBy, errorKind: classifyTurnError(errorMessage, errorStatus), ...(errorStatus ? { status: errorStatus } : {}) },
          })
        : null;
      const session = await tx.sessions.update(sessionId, {
        status: 'idle',
        currentTurnId: null,
        lastActivityAt: new Date().toISOString(),
        ...(answeredBy !== turn.resolution.modelConfigId ? { lastModelConfigId: answeredBy } : {}),
      });
      return { message, session, errorEvent };
    };
    let ended: { message: Message; session: SessionRecord; errorEvent: Message | null };
    try {
      ended = await this.deps.repo.transactionWithRetry(finish);
    } catch (err) {
      if (err instanceof TurnLeaseLost) {
        log.warn({ turnId }, 'turn ended after another replica recovered it: its outcome stands, nothing written');
        this.deps.running.delete(sessionId);
        const kept = await this.deps.repo.messages.get(turn.assistantMessageId).catch(() => null);
        if (kept) turn.done.resolve(kept);
        else turn.done.reject(err);
        return;
      }
      log.error({ err: errorText(err) }, 'could not save the end of the turn; releasing the session');
      this.deps.running.delete(sessionId);
      turn.done.reject(err);
      await this.releaseAfterFailedFinish(sessionId, turn, text, log);
      return;
    }
    const { message, session, errorEvent } = ended;
    this.deps.running.delete(sessionId);
    this.deps.events.emit('message.completed', { sessionId, turnId, message });
    if (errorEvent) this.deps.events.emit('message.created', { sessionId, message: errorEvent });
    this.deps.views.emitSessionLazy('status_change', session);
    log.info(
      { model: answeredBy, source: turn.resolution.source, status, ms: Math.round(performance.now() - t0), fallbacks: fallbackEvents.length || undefined },
      'turn finished',
    );
    turn.done.resolve(message);
    if (status === 'complete') {
      for (const hook of this.deps.hooks) {
        if (!hook.completed) continue;
        Promise.resolve()
          .then(() => hook.completed!({ ...ctx, reply: message }))
          .catch((err) => log.warn({ hook: hook.name, err: errorText(err) }, 'turn hook failed after the turn'));
      }
      if (started.titlePending) {
        const titled = (updated: SessionRecord) => this.deps.views.emitSessionLazy('title_change', updated);
        this.deps.work.track(generateTitle(this.deps, session, started.userMessage.content, text, log, titled, started.speaker?.personId ?? null));
      }
    }
    await this.deps.afterTurn(sessionId);
  }

  /**
   * After a provider refused the prompt as too long (before any token streamed): the conversation
   * is compacted down to the current turn (a compaction event in the history) and the prompt
   * rebuilt within a tighter budget; null when the failure was something else.
   */
  private async refitAfterOverflow(
    err: unknown,
    turn: RunningTurn,
    prompt: { system: string; turnContext: string | undefined; contextWindow: number; count: CountTokens | undefined },
    log: EngineLogger,
  ): Promise<BuiltPrompt | null> {
    const { system, turnContext, contextWindow, count } = prompt;
    if (turn.partial || turn.abort.signal.aborted) return null;
    const status = (err as { status?: unknown }).status;
    if (classifyTurnError(errorText(err), typeof status === 'number' ? status : undefined) !== 'context_too_long') return null;
    log.warn({ err: errorText(err) }, 'the provider refused the prompt as too long; compacting and retrying once');
    let refit: Awaited<ReturnType<ConversationContext['contextFor']>>;
    try {
      refit = await this.deps.context.contextFor(turn.sessionId, turn.turnId, system, contextWindow, true, log, count, 1);
    } catch (compactErr) {
      log.warn({ err: errorText(compactErr) }, 'could not compact after the overflow; the turn fails with the provider\'s error');
      return null;
    }
    const { history, summary } = refit;
    // Our count fell short of the provider's once already: leave it more room this time.
    return buildPrompt({
      system: summary ? `${system}\n\n<conversation_summary>\n${summary}\n</conversation_summary>` : system,
      history,
      contextWindow,
      budgetPct: 0.5,
      ...(turnContext ? { turnContext } : {}),
      ...(count ? { count } : {}),
    });
  }

  /**
   * Last resort when a turn's final write kept failing: mark the reply interrupted with its text,
   * the session idle, and say so in the history, retried; then let the queue go on.
   */
  private async releaseAfterFailedFinish(sessionId: string, turn: RunningTurn, text: string, log: EngineLogger): Promise<void> {
    try {
      const { message, session, event } = await this.deps.repo.transactionWithRetry(async (tx) => {
        if (this.deps.leased) await tx.leases.release(sessionId, turn.turnId);
        const message = await tx.messages.update(turn.assistantMessageId, { content: text, status: 'interrupted', parts: text ? [{ type: 'text', text }] : [] });
        const event = await tx.messages.append({
          sessionId,
          turnId: turn.turnId,
          role: 'system',
          kind: 'turn_error',
          content: 'The reply could not be saved completely (the database was busy); what had streamed is kept.',
          event: { error: 'final write failed' },
        });
        const session = await tx.sessions.update(sessionId, { status: 'idle', currentTurnId: null, lastActivityAt: new Date().toISOString() });
        return { message, session, event };
      });
      this.deps.events.emit('message.completed', { sessionId, turnId: turn.turnId, message });
      this.deps.events.emit('message.created', { sessionId, message: event });
      this.deps.views.emitSessionLazy('status_change', session);
    } catch (err) {
      // The database stays unwritable: a restart's recovery marks the turn interrupted.
      log.error({ err: errorText(err) }, 'could not release the session in the database either');
    }
    await this.deps.afterTurn(sessionId).catch((err) => log.warn({ err: errorText(err) }, 'queue did not resume after a failed turn end'));
  }

  private toolsFor(agent: AgentConfig | null): ToolSpec[] | undefined {
    const all = this.deps.tools;
    const allowed = agent?.tools ? all.filter((t) => agent.tools!.includes(t.name)) : all;
    return allowed.length ? allowed : undefined;
  }

  private flushPartial(turn: RunningTurn): void {
    turn.flushTimer = null;
    if (!this.deps.running.has(turn.sessionId)) return;
    const content = turn.partial;
    this.deps.repo.messages.update(turn.assistantMessageId, { content }).catch((err) => {
      this.deps.log.warn({ sessionId: turn.sessionId, err: errorText(err) }, 'could not save partial reply');
    });
  }
}
