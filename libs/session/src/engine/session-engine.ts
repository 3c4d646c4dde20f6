import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  SwitchboardError,
  scrubSecretShapes,
  type Channel,
  type CreateSessionRequest,
  type EngineRef,
  type ListMessagesQuery,
  type ListSessionsQuery,
  type Message,
  type ModelSource,
  type ModelsResponse,
  type QueueResponse,
  type SendMessageRequest,
  type SendMessageResponse,
  type Session,
  type SessionChangeKind,
  type SessionUsage,
  type UsageReport,
  type UsageReportQuery,
  type ContentPart,
} from '@switchboard/protocol';
import {
  resolveGlobalDefault,
  resolveModel,
  validateModelRef,
  describeProviders,
  estimateTokens,
  type ChatMessage,
  type LoadedConfig,
  type ModelCatalog,
  type ModelResolution,
  type ResolveModelInput,
  type ToolSpec,
} from '@switchboard/models';
import { buildConversationSummary } from '../summary/build-conversation-summary';
import { Delegator } from './delegator';
import { builtinTools } from './builtin-tools';
import type { SessionRepository } from '../store/session-repository';
import type { SessionRecord } from '../store/session.store';
import { SESSION_MODEL_KEY } from '../store/session-config.store';
import { DEFAULT_MODEL_PREFERENCE } from '../store/preference.store';
import { clearsModelOverride, parseCommand } from '../commands/parse-command';
import { matchesPeer } from '../peer-match';
import { buildPrompt } from './build-prompt';
import { deferred, type Deferred } from './deferred';
import { handleCommand } from './command-handler';
import { StatelessTurns, type PeerRef } from './stateless-turn';
import {
  noopSink,
  silentLogger,
  type CommandExtension,
  type EngineEventSink,
  type EngineLogger,
  type ModelStreamer,
  type TurnContext,
  type TurnHooks,
  type UsageObserver,
} from './engine.types';

/** session_config key marking a title derived from the first line, to be replaced by a generated one. */
const TITLE_PENDING_KEY = 'title_pending';

const DEFAULT_SYSTEM_PROMPT =
  'You are Switchboard, a helpful personal assistant. Answer clearly and concisely; use Markdown when it helps.';

export interface SessionEngineOptions {
  repo: SessionRepository;
  catalog: ModelCatalog;
  config: LoadedConfig;
  streamer: ModelStreamer;
  events?: EngineEventSink;
  logger?: EngineLogger;
  /** How often a streaming reply's partial text is saved (so a crash keeps it). */
  partialFlushMs?: number;
  /** Extensions around every turn (memory retrieval and extraction). */
  hooks?: TurnHooks[];
  /** Commands contributed by other libs (e.g. /memory). */
  commands?: CommandExtension[];
  /** Tools contributed by other libs (memory tools), offered next to the built-in ones. */
  tools?: ToolSpec[];
  /** Sees the usage of every delegated call (metrics). */
  onUsage?: UsageObserver;
}

/** Called with a turn's id and its assistant message id when the turn starts. */
export type TurnStartedHook = (turnId: string, assistantMessageId: string) => void;

interface RunningTurn {
  turnId: string;
  sessionId: string;
  assistantMessageId: string;
  resolution: ModelResolution;
  abort: AbortController;
  partial: string;
  flushTimer: NodeJS.Timeout | null;
  done: Deferred<Message>;
}

interface AgentProfile {
  name: string;
  model?: string;
  tier?: string;
  systemPrompt?: string;
  tools?: string[];
}

/** What a turn needs once its claim transaction has committed. */
interface StartedTurn {
  session: SessionRecord;
  turnId: string;
  userMessage: Message;
  assistantMessage: Message;
  resolution: ModelResolution;
  switchMessage: Message | null;
  switchEvent: { from: EngineRef; to: EngineRef; reason: string } | null;
  /** The session got its title from this message's first line; a generated one replaces it after the turn. */
  titlePending: boolean;
}

/**
 * The one orchestrator every door uses: sessions, the model resolution chain, one turn at a
 * time per session with a persisted queue, engine-switch detection, streaming and recovery.
 */
export class SessionEngine {
  private readonly repo: SessionRepository;
  private readonly catalog: ModelCatalog;
  private readonly config: LoadedConfig;
  private readonly streamer: ModelStreamer;
  private readonly events: EngineEventSink;
  private readonly log: EngineLogger;
  private readonly partialFlushMs: number;
  private readonly running = new Map<string, RunningTurn>();
  private readonly queueWaiters = new Map<string, Deferred<Message | null>>();
  private readonly turnHooks = new Map<string, TurnStartedHook>();
  private readonly draining = new Set<Promise<unknown>>();
  private globalDefault: string | null = null;
  private stopped = false;
  private readonly hooks: TurnHooks[];
  private readonly delegator: Delegator;
  private readonly tools: ToolSpec[];
  readonly commandExtensions: ReadonlyMap<string, CommandExtension>;
  /** Turns whose conversation the caller holds (the OpenAI door without a session key). */
  readonly stateless: StatelessTurns;

  constructor(options: SessionEngineOptions) {
    this.repo = options.repo;
    this.catalog = options.catalog;
    this.config = options.config;
    this.streamer = options.streamer;
    this.events = options.events ?? noopSink;
    this.log = options.logger ?? silentLogger;
    this.partialFlushMs = options.partialFlushMs ?? 400;
    this.hooks = options.hooks ?? [];
    this.delegator = new Delegator({
      streamer: this.streamer,
      catalog: this.catalog,
      repo: this.repo,
      limits: this.config.limits,
      log: this.log,
      ...(options.onUsage ? { onUsage: options.onUsage } : {}),
    });
    this.tools = [...builtinTools({ repo: this.repo, delegator: this.delegator }), ...(options.tools ?? [])];
    this.commandExtensions = new Map((options.commands ?? []).map((c) => [c.name, c]));
    this.stateless = new StatelessTurns({
      repo: this.repo,
      catalog: this.catalog,
      config: this.config,
      streamer: this.streamer,
      hooks: this.hooks,
      tools: this.tools,
      log: this.log,
      defaultSystemPrompt: DEFAULT_SYSTEM_PROMPT,
      resolve: (peer, levels) => this.resolveFor(peer, levels),
      agentFor: (peer) => this.agentFor(peer),
      isStopped: () => this.stopped,
    });
  }

  /** Stores a system event (e.g. "memory saved") in a session's history and pushes it to watchers. */
  async appendSystemEvent(sessionId: string, kind: Message['kind'], content: string, event: Record<string, unknown> | null = null): Promise<Message> {
    const message = await this.repo.messages.append({ sessionId, role: 'system', kind, content, event });
    this.events.emit('message.created', { sessionId, message });
    return message;
  }

  /** Loads persisted settings and recovers from a crash: interrupted turns are marked, queues resume. */
  async start(): Promise<void> {
    this.globalDefault = (await this.repo.preferences.get(DEFAULT_MODEL_PREFERENCE)) ?? this.config.defaultModel ?? null;
    const interruptedMessages = await this.repo.messages.markStreamingInterrupted();
    const interruptedSessions = await this.repo.sessions.markRunningInterrupted();
    for (const sessionId of interruptedSessions) {
      await this.repo.messages.append({
        sessionId,
        role: 'system',
        kind: 'turn_interrupted',
        content: 'The previous reply was interrupted by a restart; its partial text is kept.',
        event: { reason: 'restart' },
      });
    }
    if (interruptedSessions.length || interruptedMessages.length) {
      this.log.warn(
        { sessions: interruptedSessions.length, messages: interruptedMessages.length },
        'recovered turns interrupted by a restart',
      );
    }
    for (const sessionId of await this.repo.queue.sessionsWithQueue()) this.scheduleDrain(sessionId);
  }

  /** Stops taking turns, aborts running ones (their partial replies are kept) and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stateless.abortAll();
    const turns = [...this.running.values()];
    for (const t of turns) t.abort.abort();
    await Promise.allSettled(turns.map((t) => t.done.promise));
    await Promise.allSettled([...this.draining]);
  }

  // ---------------------------------------------------------------- sessions

  async createSession(req: CreateSessionRequest): Promise<Session> {
    const channel: Channel = req.channel ?? 'api';
    const peerId = req.peerId ?? randomUUID();
    if (req.agent && !this.agentByName(req.agent)) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, `Unknown agent "${req.agent}".`, {
        field: 'agent',
        available: this.config.agents.map((a) => a.name),
      });
    }
    const { session, created } = await this.repo.sessions.getOrCreate({
      channel,
      peerId,
      title: req.title,
      projectId: req.projectId,
      agent: req.agent,
    });
    const view = await this.view(session);
    if (created) this.emitSession('created', view);
    return view;
  }

  async listSessions(query: ListSessionsQuery = {}): Promise<Session[]> {
    const records = await this.repo.sessions.list({ channel: query.channel, limit: query.limit ?? 100 });
    return Promise.all(records.map((s) => this.view(s)));
  }

  async getSession(sessionId: string): Promise<Session> {
    return this.view(await this.repo.sessions.require(sessionId));
  }

  async listMessages(sessionId: string, query: ListMessagesQuery = {}): Promise<Message[]> {
    if (query.afterSeq !== undefined && query.beforeSeq !== undefined) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'beforeSeq: cannot be combined with afterSeq', { field: 'beforeSeq' });
    }
    await this.repo.sessions.require(sessionId);
    return this.repo.messages.list(sessionId, { limit: query.limit, afterSeq: query.afterSeq, beforeSeq: query.beforeSeq });
  }

  // ---------------------------------------------------------------- models

  models(): ModelsResponse {
    // The one place a gone global default is reported (turns do not repeat it).
    const def = resolveGlobalDefault(this.catalog, this.globalDefault);
    return {
      models: this.catalog.describe(),
      defaultModel: { ...def, label: this.catalog.label(def.modelConfigId) },
      tiers: this.catalog.tiers(),
      providers: describeProviders(this.config),
      offlineOnly: this.config.offlineOnly,
    };
  }

  /** Sets the global default; never touches any session's override. */
  async setDefaultModel(ref: string): Promise<ModelsResponse> {
    const model = validateModelRef(this.catalog, ref);
    await this.repo.preferences.set(DEFAULT_MODEL_PREFERENCE, model.id);
    this.globalDefault = model.id;
    this.log.info({ model: model.id }, 'global default model changed');
    const models = this.models();
    // Sessions without an override follow it from their next turn: dashboards refresh them.
    this.events.emit('settings.updated', { defaultModel: models.defaultModel });
    return models;
  }

  /** Sets the session override; `default` clears it instead (one meaning on every door). */
  async setSessionModel(sessionId: string, ref: string): Promise<Session> {
    if (clearsModelOverride(ref)) return this.clearSessionModel(sessionId);
    const model = validateModelRef(this.catalog, ref);
    const session = await this.repo.transaction(async (tx) => {
      await tx.sessions.require(sessionId);
      await tx.config.set(sessionId, SESSION_MODEL_KEY, model.id);
      return tx.sessions.update(sessionId, {});
    });
    const view = await this.view(session);
    this.emitSession('model_change', view);
    return view;
  }

  async clearSessionModel(sessionId: string): Promise<Session> {
    const session = await this.repo.transaction(async (tx) => {
      await tx.sessions.require(sessionId);
      await tx.config.delete(sessionId, SESSION_MODEL_KEY);
      return tx.sessions.update(sessionId, {});
    });
    const view = await this.view(session);
    this.emitSession('model_change', view);
    return view;
  }

  /** Clears history and every session override together; a running turn is stopped first. */
  async reset(sessionId: string): Promise<Session> {
    await this.repo.sessions.require(sessionId);
    const running = this.running.get(sessionId);
    if (running) {
      running.abort.abort();
      await running.done.promise.catch(() => undefined);
    }
    const session = await this.repo.transaction(async (tx) => {
      await tx.messages.clear(sessionId);
      await tx.config.clear(sessionId);
      return tx.sessions.update(sessionId, { lastModelConfigId: null });
    });
    await this.repo.eraseTraces();
    const view = await this.view(session);
    this.emitSession('history_change', view);
    this.log.info({ sessionId }, 'session reset');
    return view;
  }

  /** Deletes a session with its history, config, queue and usage; a running turn is stopped first. */
  async deleteSession(sessionId: string): Promise<Session> {
    const record = await this.repo.sessions.require(sessionId);
    const running = this.running.get(sessionId);
    if (running) {
      running.abort.abort();
      await running.done.promise.catch(() => undefined);
    }
    const last = await this.view(await this.repo.sessions.require(sessionId));
    const queued = await this.repo.queue.list(sessionId);
    await this.repo.sessions.delete(sessionId);
    for (const hook of this.hooks) {
      if (!hook.sessionDeleted) continue;
      await Promise.resolve()
        .then(() => hook.sessionDeleted!(sessionId))
        .catch((err) => this.log.warn({ sessionId, hook: hook.name, err: errorText(err) }, 'turn hook failed after a delete'));
    }
    await this.repo.eraseTraces();
    // Callers waiting on this session's queued messages get no reply: the session is gone.
    for (const q of queued) {
      this.queueWaiters.get(q.id)?.resolve(null);
      this.queueWaiters.delete(q.id);
      this.turnHooks.delete(q.id);
    }
    const gone: Session = { ...last, status: 'idle', queueLength: 0, version: last.version + 1 };
    this.emitSession('deleted', gone);
    this.log.info({ sessionId, channel: record.channel }, 'session deleted');
    return gone;
  }

  async usage(sessionId: string): Promise<SessionUsage> {
    await this.repo.sessions.require(sessionId);
    return this.repo.usage.summary(sessionId);
  }

  /** Usage across conversations; `from`/`to` take a UTC day or an instant (`to` exclusive, a day counts whole). */
  async usageReport(query: UsageReportQuery = {}): Promise<UsageReport> {
    const from = query.from ? usageBound(query.from, 'start') : null;
    const to = query.to ? usageBound(query.to, 'end') : null;
    if (from && to && from >= to) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'to: must be after from', { field: 'to' });
    }
    return this.repo.usage.report({ from, to, channel: query.channel ?? null, limit: query.limit ?? 50 });
  }

  /** Aborts the running turn, keeping its partial reply; false when nothing runs. */
  async abort(sessionId: string): Promise<boolean> {
    await this.repo.sessions.require(sessionId);
    const turn = this.running.get(sessionId);
    if (!turn) return false;
    turn.abort.abort();
    await turn.done.promise.catch(() => undefined);
    return true;
  }

  // ---------------------------------------------------------------- queue

  async listQueue(sessionId: string): Promise<QueueResponse> {
    await this.repo.sessions.require(sessionId);
    return { sessionId, queue: await this.repo.queue.list(sessionId) };
  }

  /** Moves a queued message to the head; with interrupt, stops the running turn so it runs next. */
  async promote(sessionId: string, queuedId: string, interrupt = false): Promise<QueueResponse> {
    await this.repo.transaction(async (tx) => {
      await tx.sessions.require(sessionId);
      await tx.queue.moveToHead(sessionId, queuedId);
      await tx.sessions.update(sessionId, {});
    });
    await this.emitQueue(sessionId);
    const turn = this.running.get(sessionId);
    if (turn && interrupt) {
      this.log.info({ sessionId, turnId: turn.turnId, queuedId }, 'interrupting turn for a promoted message');
      turn.abort.abort();
    } else if (!turn) {
      this.scheduleDrain(sessionId);
    }
    return this.listQueue(sessionId);
  }

  async deleteQueued(sessionId: string, queuedId: string): Promise<QueueResponse> {
    await this.repo.transaction(async (tx) => {
      await tx.sessions.require(sessionId);
      await tx.queue.remove(sessionId, queuedId);
      await tx.sessions.update(sessionId, {});
    });
    this.queueWaiters.get(queuedId)?.resolve(null);
    this.queueWaiters.delete(queuedId);
    this.turnHooks.delete(queuedId);
    await this.emitQueue(sessionId);
    return this.listQueue(sessionId);
  }

  // ---------------------------------------------------------------- messages and turns

  /** The single door for user text: commands, explicit models, queueing and turns. */
  async send(sessionId: string, req: SendMessageRequest, hooks: { onTurnStarted?: TurnStartedHook } = {}): Promise<SendMessageResponse> {
    const command = parseCommand(req.text);
    if (command) {
      const session = await this.repo.sessions.require(sessionId);
      return handleCommand(this, session, command, req, hooks);
    }
    return this.sendText(sessionId, req, hooks);
  }

  /**
   * Sends text as a conversation message (no command parsing). `onTurnStarted` is called when
   * the message's turn starts — at once, or when it leaves the queue.
   */
  async sendText(
    sessionId: string,
    req: SendMessageRequest,
    hooks: { onTurnStarted?: TurnStartedHook; job?: { model?: string | null } } = {},
  ): Promise<SendMessageResponse> {
    if (this.stopped) throw new SwitchboardError(ErrorCode.SESSION_BUSY, 'The server is shutting down.');
    // Level 1 is validated before anything is stored. `default` has its one meaning here too:
    // clear the conversation's override (this message follows the chain).
    const clearsOverride = req.model !== undefined && clearsModelOverride(req.model);
    const explicit = req.model && !clearsOverride ? validateModelRef(this.catalog, req.model).id : null;
    // Level 3: a scheduled job's model or tier (falls through with a warning when it no longer resolves).
    const job = hooks.job?.model ?? null;
    const turnId = randomUUID();

    const outcome = await this.repo.transaction(async (tx) => {
      const current = await tx.sessions.require(sessionId);
      if (explicit) await tx.config.set(sessionId, SESSION_MODEL_KEY, explicit);
      else if (clearsOverride) await tx.config.delete(sessionId, SESSION_MODEL_KEY);
      const queueLength = await tx.queue.count(sessionId);
      const claimed = queueLength === 0 ? await tx.sessions.claim(sessionId, turnId) : null;
      if (!claimed) {
        const override = await tx.config.get(sessionId, SESSION_MODEL_KEY);
        const snapshot = this.resolveFor(current, { explicit, job, session: override });
        const queued = await tx.queue.enqueue({
          sessionId,
          text: req.text,
          modelConfigId: snapshot.modelConfigId,
          modelSource: snapshot.source,
        });
        const session = await tx.sessions.update(sessionId, {});
        return { kind: 'queued' as const, queued, session };
      }
      const override = await tx.config.get(sessionId, SESSION_MODEL_KEY);
      const resolution = this.resolveFor(claimed, { explicit, job, session: override });
      const started = await this.startTurn(tx, claimed, turnId, req.text, resolution);
      return { kind: 'started' as const, started };
    });

    if (outcome.kind === 'queued') {
      const waiter = req.wait ? deferred<Message | null>() : null;
      if (waiter) this.queueWaiters.set(outcome.queued.id, waiter);
      if (hooks.onTurnStarted) this.turnHooks.set(outcome.queued.id, hooks.onTurnStarted);
      this.log.debug({ sessionId, queuedId: outcome.queued.id, model: outcome.queued.modelConfigId }, 'message queued');
      if (explicit || clearsOverride) this.emitSessionLazy('model_change', outcome.session);
      await this.emitQueue(sessionId);
      // The session may have gone idle between our check and now: make sure the queue moves.
      if (!this.running.has(sessionId)) this.scheduleDrain(sessionId);
      const position = (await this.repo.queue.list(sessionId)).find((q) => q.id === outcome.queued.id)?.position;
      const queuedMessage = { ...outcome.queued, position: position ?? outcome.queued.position };
      const reply = waiter ? await waiter.promise : null;
      return { queued: true, queuedMessage, ...(reply ? { reply } : {}) };
    }

    hooks.onTurnStarted?.(turnId, outcome.started.assistantMessage.id);
    const turn = this.launch(outcome.started);
    const reply = req.wait ? await turn.done.promise : undefined;
    return { queued: false, turnId, message: outcome.started.userMessage, ...(reply ? { reply } : {}) };
  }

  /**
   * The single entry point of every turn, inside the claim transaction: engine drift is
   * checked here before anything else runs, then the user and assistant messages are stored.
   */
  private async startTurn(
    tx: SessionRepository,
    session: SessionRecord,
    turnId: string,
    text: string,
    resolution: ModelResolution,
  ): Promise<StartedTurn> {
    let switchMessage: Message | null = null;
    let switchEvent: StartedTurn['switchEvent'] = null;
    const previous = session.lastModelConfigId;
    if (previous && previous !== resolution.modelConfigId) {
      const from = this.engineRef(previous);
      const to = this.engineRef(resolution.modelConfigId);
      if (from.provider !== to.provider || from.model !== to.model) {
        const reason = describeSource(resolution.source);
        switchEvent = { from, to, reason };
        switchMessage = await tx.messages.append({
          sessionId: session.id,
          turnId,
          role: 'system',
          kind: 'engine_switch',
          content: `Switched from ${from.label} to ${to.label} (${reason}).`,
          event: { from, to, reason, warnings: resolution.warnings },
        });
      }
    }
    const userMessage = await tx.messages.append({ sessionId: session.id, turnId, role: 'user', kind: 'text', content: text });
    const label = this.catalog.label(resolution.modelConfigId);
    const assistantMessage = await tx.messages.append({
      sessionId: session.id,
      turnId,
      role: 'assistant',
      kind: 'text',
      content: '',
      status: 'streaming',
      modelConfigId: resolution.modelConfigId,
      modelSource: resolution.source,
      modelLabel: label,
      warnings: resolution.warnings,
    });
    const patch: Parameters<SessionRepository['sessions']['update']>[1] = {
      lastModelConfigId: resolution.modelConfigId,
      lastActivityAt: new Date().toISOString(),
    };
    let titlePending = (await tx.config.get(session.id, TITLE_PENDING_KEY)) !== null;
    if (!session.title) {
      patch.title = deriveTitle(text);
      await tx.config.set(session.id, TITLE_PENDING_KEY, '1');
      titlePending = true;
    }
    const updated = await tx.sessions.update(session.id, patch);
    return { session: updated, turnId, userMessage, assistantMessage, resolution, switchMessage, switchEvent, titlePending };
  }

  /** Runs a started turn in the background and returns its handle. */
  private launch(started: StartedTurn): RunningTurn {
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
    this.running.set(turn.sessionId, turn);
    const sessionId = turn.sessionId;
    if (started.switchMessage && started.switchEvent) {
      this.events.emit('message.created', { sessionId, message: started.switchMessage });
      this.events.emit('engine.switched', { sessionId, ...started.switchEvent, message: started.switchMessage });
      this.log.info(
        { sessionId, turnId: turn.turnId, from: started.switchEvent.from.modelConfigId, to: started.switchEvent.to.modelConfigId },
        'engine switch',
      );
    }
    if (this.events.hasWatchers(sessionId, 'message.created')) this.events.emit('message.created', { sessionId, message: started.userMessage });
    if (this.events.hasWatchers(sessionId, 'turn.started')) {
      this.events.emit('turn.started', {
        sessionId,
        turnId: turn.turnId,
        messageId: turn.assistantMessageId,
        modelConfigId: turn.resolution.modelConfigId,
        modelSource: turn.resolution.source,
        modelLabel: started.assistantMessage.modelLabel ?? turn.resolution.modelConfigId,
        warnings: turn.resolution.warnings,
      });
    }
    this.emitSessionLazy('status_change', started.session);
    const run = this.runTurn(turn, started).catch((err) => {
      this.log.error({ sessionId, turnId: turn.turnId, err: errorText(err) }, 'turn failed unexpectedly');
      turn.done.reject(err);
    });
    this.track(run);
    return turn;
  }

  private async runTurn(turn: RunningTurn, started: StartedTurn): Promise<void> {
    const { sessionId, turnId } = turn;
    const log = this.log.child({ sessionId, turnId });
    const t0 = performance.now();
    const model = this.catalog.get(turn.resolution.modelConfigId);
    const agent = this.agentFor(started.session);
    const ctx: TurnContext = {
      sessionId,
      turnId,
      channel: started.session.channel,
      peerId: started.session.peerId,
      projectId: started.session.projectId,
      agent: started.session.agent,
      userText: started.userMessage.content,
      userMessageId: started.userMessage.id,
    };
    let system = agent?.systemPrompt ?? this.config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
    for (const hook of this.hooks) {
      if (!hook.prepare) continue;
      try {
        const extra = await hook.prepare(ctx);
        if (extra?.system) system += '\n\n' + extra.system;
      } catch (err) {
        log.warn({ hook: hook.name, err: errorText(err) }, 'turn hook failed to prepare; continuing without it');
      }
    }
    const contextWindow = model?.contextWindow ?? 8192;
    const { history, summary } = await this.contextFor(sessionId, turnId, system, contextWindow, false, log);
    const prompt = buildPrompt({
      system: summary ? `${system}\n\n<conversation_summary>\n${summary}\n</conversation_summary>` : system,
      history,
      contextWindow,
    });
    if (prompt.summarisedCount) log.info({ summarised: prompt.summarisedCount }, 'history summarised to fit the context budget');

    const watched = () => this.events.hasWatchers(sessionId, 'message.delta');
    let status: Message['status'] = 'complete';
    let text = '';
    let parts: ContentPart[] = [];
    let answeredBy = turn.resolution.modelConfigId;
    const warnings = [...turn.resolution.warnings];
    let usage: { inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: number } | null = null;
    let errorMessage: string | null = null;
    const fallbackEvents: Message[] = [];
    try {
      const result = await this.streamer.stream({
        modelConfigId: turn.resolution.modelConfigId,
        system: prompt.system,
        messages: prompt.messages,
        abortSignal: turn.abort.signal,
        tools: this.toolsFor(agent),
        toolContext: { sessionId, turnId, channel: ctx.channel, peerId: ctx.peerId, projectId: ctx.projectId },
        maxToolIterations: this.config.limits.maxToolIterations,
        toolResultMaxChars: this.config.limits.toolResultMaxChars,
        summariseToolResult: (toolName, raw) => this.summariseToolResult(sessionId, turnId, toolName, raw),
        onToolEvent: (e) => {
          if (!this.events.hasWatchers(sessionId, 'tool.started')) return;
          if (e.type === 'started') this.events.emit('tool.started', { sessionId, turnId, toolCallId: e.toolCallId, toolName: e.toolName, input: e.input });
          else this.events.emit('tool.finished', { sessionId, turnId, toolCallId: e.toolCallId, toolName: e.toolName, ok: e.ok, output: e.output, durationMs: e.durationMs });
        },
        onFallback: (notice) => {
          const from = this.catalog.label(notice.from);
          const to = this.catalog.label(notice.to);
          warnings.push(`${from} failed; answered by ${to} for this reply only.`);
          log.warn({ from: notice.from, to: notice.to, err: notice.error }, 'model fallback');
          void this.appendSystemEvent(sessionId, 'model_fallback', `${from} is not answering (${shortError(notice.error)}); using ${to} for this reply.`, {
            from: notice.from,
            to: notice.to,
            error: notice.error,
            turnId,
          }).then((m) => fallbackEvents.push(m), () => undefined);
        },
        onDelta: (delta) => {
          turn.partial += delta;
          if (watched()) this.events.emit('message.delta', { sessionId, turnId, messageId: turn.assistantMessageId, delta });
          if (!turn.flushTimer) turn.flushTimer = setTimeout(() => this.flushPartial(turn), this.partialFlushMs);
        },
      });
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
      parts = text ? [{ type: 'text', text }] : [];
      log.warn({ err: errorMessage, model: turn.resolution.modelConfigId }, 'model call failed');
    }
    if (turn.flushTimer) clearTimeout(turn.flushTimer);

    // The end of a turn must land: retried (an outside writer can hold the database busy), and
    // when it cannot, the session is released anyway with the outcome recorded as best it can be.
    const finish = async (tx: SessionRepository) => {
      const message = await tx.messages.update(turn.assistantMessageId, {
        content: text,
        status,
        usage,
        parts,
        warnings,
        ...(answeredBy !== turn.resolution.modelConfigId ? { modelConfigId: answeredBy, modelLabel: this.catalog.label(answeredBy) } : {}),
      });
      if (usage) {
        await tx.usage.record({ sessionId, turnId, messageId: turn.assistantMessageId, role: 'primary', modelConfigId: answeredBy, ...usage });
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
            event: { error: errorMessage, modelConfigId: answeredBy },
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
      ended = await this.repo.transactionWithRetry(finish);
    } catch (err) {
      log.error({ err: errorText(err) }, 'could not save the end of the turn; releasing the session');
      this.running.delete(sessionId);
      turn.done.reject(err);
      await this.releaseAfterFailedFinish(sessionId, turn, text, log);
      return;
    }
    const { message, session, errorEvent } = ended;
    this.running.delete(sessionId);
    this.events.emit('message.completed', { sessionId, turnId, message });
    if (errorEvent) this.events.emit('message.created', { sessionId, message: errorEvent });
    this.emitSessionLazy('status_change', session);
    log.info(
      { model: answeredBy, source: turn.resolution.source, status, ms: Math.round(performance.now() - t0), fallbacks: fallbackEvents.length || undefined },
      'turn finished',
    );
    turn.done.resolve(message);
    if (status === 'complete') {
      for (const hook of this.hooks) {
        if (!hook.completed) continue;
        Promise.resolve()
          .then(() => hook.completed!({ ...ctx, reply: message }))
          .catch((err) => log.warn({ hook: hook.name, err: errorText(err) }, 'turn hook failed after the turn'));
      }
      if (started.titlePending) this.track(this.generateTitle(session, started.userMessage.content, text, log));
    }
    await this.drain(sessionId);
  }

  /**
   * Last resort when a turn's final write kept failing: mark the reply interrupted with its text,
   * the session idle, and say so in the history, retried; then let the queue go on.
   */
  private async releaseAfterFailedFinish(sessionId: string, turn: RunningTurn, text: string, log: EngineLogger): Promise<void> {
    try {
      const { message, session, event } = await this.repo.transactionWithRetry(async (tx) => {
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
      this.events.emit('message.completed', { sessionId, turnId: turn.turnId, message });
      this.events.emit('message.created', { sessionId, message: event });
      this.emitSessionLazy('status_change', session);
    } catch (err) {
      // The database stays unwritable: a restart's recovery marks the turn interrupted.
      log.error({ err: errorText(err) }, 'could not release the session in the database either');
    }
    await this.drain(sessionId).catch((err) => log.warn({ err: errorText(err) }, 'queue did not resume after a failed turn end'));
  }

  /**
   * The history a turn sends: messages after the last compaction, with that compaction's
   * summary. When they pass the threshold share of the context window (or `force`), the older
   * turns are summarised by the compaction role, keeping the last `keepTurns` turns verbatim.
   */
  private async contextFor(
    sessionId: string,
    turnId: string | null,
    system: string,
    contextWindow: number,
    force: boolean,
    log: EngineLogger,
  ): Promise<{ history: ChatMessage[]; summary: string | null; compacted: Message | null }> {
    const last = await this.repo.messages.lastOfKind(sessionId, 'compaction');
    const upToSeq = typeof last?.event?.upToSeq === 'number' ? (last.event.upToSeq as number) : 0;
    const summary = last && typeof last.event?.summary === 'string' ? (last.event.summary as string) : null;
    const visible = await this.repo.messages.conversation(sessionId, { limit: 1000, afterSeq: upToSeq });
    const history: ChatMessage[] = visible.map((m) => ({ role: m.role, content: m.content }));
    const { thresholdPct, keepTurns, summaryMaxTokens } = this.config.compaction;
    const tokens = estimateTokens(system) + estimateTokens(summary ?? '') + history.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
    if (!force && tokens <= (contextWindow * thresholdPct) / 100) return { history, summary, compacted: null };

    // Keep the last `keepTurns` user turns (with their replies) verbatim; the current one always.
    let kept = 0;
    let cut = visible.length;
    for (let i = visible.length - 1; i >= 0; i--) {
      if (visible[i].role === 'user') {
        if (kept >= Math.max(1, keepTurns)) break;
        kept++;
        cut = i;
      }
    }
    const older = visible.slice(0, cut);
    if (older.length === 0) return { history, summary, compacted: null };
    const olderText = older.map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
    let newSummary: string | null = null;
    let model: string | null = null;
    try {
      const r = await this.delegator.run('compaction', {
        sessionId,
        turnId,
        system:
          `Summarise the conversation below for your own later use, in at most ${summaryMaxTokens} tokens. ` +
          'Keep every fact, decision, preference, name, number and open question; drop pleasantries. Write plain prose or bullets.',
        messages: [
          {
            role: 'user',
            content: (summary ? `Earlier summary:\n${summary}\n\n` : '') + 'Conversation:\n' + olderText.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.content}`).join('\n'),
          },
        ],
        maxOutputTokens: summaryMaxTokens,
      });
      if (r?.text.trim()) {
        newSummary = r.text.trim();
        model = r.modelConfigId;
      }
    } catch (err) {
      log.warn({ err: errorText(err) }, 'compaction model failed; using the extractive summary');
    }
    newSummary ??= [summary, buildConversationSummary(olderText, { maxChars: summaryMaxTokens * 4 })].filter(Boolean).join('\n');
    const compacted = await this.appendSystemEvent(
      sessionId,
      'compaction',
      `Compacted ${older.length} earlier messages into a summary${model ? ` (${this.catalog.label(model)})` : ''}; the full history is kept.`,
      { summary: newSummary, upToSeq: older[older.length - 1].seq, summarisedMessages: older.length, model },
    );
    log.info({ summarised: older.length, model }, 'conversation compacted');
    return { history: history.slice(older.length), summary: newSummary, compacted };
  }

  /** `/compact`: summarises the older turns now. */
  async compact(sessionId: string): Promise<Message | null> {
    const session = await this.repo.sessions.require(sessionId);
    const eff = this.resolveFor(session, { session: await this.repo.config.get(sessionId, SESSION_MODEL_KEY) });
    const system = this.agentFor(session)?.systemPrompt ?? this.config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
    const { compacted } = await this.contextFor(sessionId, null, system, this.catalog.get(eff.modelConfigId)?.contextWindow ?? 8192, true, this.log);
    return compacted;
  }

  private async summariseToolResult(sessionId: string, turnId: string, toolName: string, raw: string): Promise<string> {
    const max = this.config.limits.toolResultMaxChars;
    const r = await this.delegator.run('tool_summarisation', {
      sessionId,
      turnId,
      system: `Summarise this result of the tool "${toolName}" in under ${Math.floor(max / 2)} characters, keeping every fact the user may need.`,
      messages: [{ role: 'user', content: raw.slice(0, 200_000) }],
      maxOutputTokens: Math.floor(max / 8),
    });
    return r?.text ? `[summarised] ${r.text}` : raw.slice(0, max) + ' …[truncated]';
  }

  /** After a session's first exchange, the classification role gives it a short title. */
  private async generateTitle(session: SessionRecord, userText: string, reply: string, log: EngineLogger): Promise<void> {
    try {
      const r = await this.delegator.run('classification', {
        sessionId: session.id,
        system: 'Give this conversation a short title (2 to 6 words, no quotes, no final punctuation). Reply with the title only.',
        messages: [{ role: 'user', content: `User: ${userText.slice(0, 2000)}\nAssistant: ${reply.slice(0, 1000)}` }],
        maxOutputTokens: 24,
      });
      const title = r ? cleanTitle(r.text) : null;
      await this.repo.config.delete(session.id, TITLE_PENDING_KEY);
      if (!title) return;
      const updated = await this.repo.sessions.update(session.id, { title });
      log.debug({ title }, 'session titled');
      this.emitSessionLazy('title_change', updated);
    } catch (err) {
      log.warn({ err: errorText(err) }, 'title generation failed; keeping the first line as title');
    }
  }

  private toolsFor(agent: AgentProfile | null): ToolSpec[] | undefined {
    const all = this.tools;
    const allowed = agent?.tools ? all.filter((t) => agent.tools!.includes(t.name)) : all;
    return allowed.length ? allowed : undefined;
  }

  private flushPartial(turn: RunningTurn): void {
    turn.flushTimer = null;
    if (!this.running.has(turn.sessionId)) return;
    const content = turn.partial;
    this.repo.messages.update(turn.assistantMessageId, { content }).catch((err) => {
      this.log.warn({ sessionId: turn.sessionId, err: errorText(err) }, 'could not save partial reply');
    });
  }

  private scheduleDrain(sessionId: string): void {
    this.track(this.drain(sessionId).catch((err) => this.log.error({ sessionId, err: errorText(err) }, 'queue drain failed')));
  }

  private track(p: Promise<unknown>): void {
    this.draining.add(p);
    void p.finally(() => this.draining.delete(p));
  }

  /** Promotes the head of the queue when the session is free; re-validates its model snapshot. */
  private async drain(sessionId: string): Promise<void> {
    if (this.stopped || this.running.has(sessionId)) return;
    // Most turns end with an empty queue: check without opening a transaction.
    if ((await this.repo.queue.count(sessionId)) === 0) return;
    const turnId = randomUUID();
    const outcome = await this.repo.transaction(async (tx) => {
      const head = await tx.queue.head(sessionId);
      if (!head) return null;
      const claimed = await tx.sessions.claim(sessionId, turnId);
      if (!claimed) return null;
      await tx.queue.remove(sessionId, head.id);
      const override = await tx.config.get(sessionId, SESSION_MODEL_KEY);
      const resolution = this.resolveFor(claimed, { queued: head.modelConfigId, session: override });
      const started = await this.startTurn(tx, claimed, turnId, head.text, resolution);
      return { head, started };
    });
    if (!outcome) return;
    this.log.debug({ sessionId, queuedId: outcome.head.id, model: outcome.started.resolution.modelConfigId }, 'queued message promoted');
    const hook = this.turnHooks.get(outcome.head.id);
    this.turnHooks.delete(outcome.head.id);
    hook?.(outcome.started.turnId, outcome.started.assistantMessage.id);
    const turn = this.launch(outcome.started);
    const waiter = this.queueWaiters.get(outcome.head.id);
    if (waiter) {
      this.queueWaiters.delete(outcome.head.id);
      turn.done.promise.then((m) => waiter.resolve(m), (e) => waiter.reject(e));
    }
    await this.emitQueue(sessionId);
  }

  // ---------------------------------------------------------------- resolution helpers

  /** The chain for this session with the given upper levels (explicit, queued, job, session). */
  resolveFor(session: PeerRef | null, levels: Pick<ResolveModelInput, 'explicit' | 'queued' | 'job' | 'session'>): ModelResolution {
    const agent = session ? this.agentFor(session) : null;
    return resolveModel(this.catalog, {
      ...levels,
      agent: agent?.model ?? agent?.tier ?? null,
      global: this.globalDefault,
    });
  }

  get modelCatalog(): ModelCatalog {
    return this.catalog;
  }

  get repository(): SessionRepository {
    return this.repo;
  }

  get globalDefaultModel(): string | null {
    return this.globalDefault;
  }

  isRunning(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  private agentByName(name: string): AgentProfile | null {
    return (this.config.agents.find((a) => a.name === name) as AgentProfile | undefined) ?? null;
  }

  private agentFor(session: PeerRef): AgentProfile | null {
    if (session.agent) return this.agentByName(session.agent);
    for (const a of this.config.agents) {
      const channelOk = !a.match?.channel || a.match.channel === '*' || a.match.channel === session.channel;
      if (channelOk && matchesPeer(a.match?.peer ?? '*', session.peerId)) return a as AgentProfile;
    }
    return null;
  }

  private engineRef(modelConfigId: string): EngineRef {
    if (this.catalog.get(modelConfigId)) return this.catalog.engineOf(modelConfigId);
    return { modelConfigId, provider: 'removed', providerType: 'offline', model: modelConfigId, label: `${modelConfigId} (removed)` };
  }

  // ---------------------------------------------------------------- views and events

  async view(s: SessionRecord): Promise<Session> {
    const override = (await this.repo.config.get(s.id, SESSION_MODEL_KEY)) ?? null;
    const queueLength = await this.repo.queue.count(s.id);
    const eff = this.resolveFor(s, { session: override });
    return {
      id: s.id,
      channel: s.channel,
      peerId: s.peerId,
      title: s.title,
      projectId: s.projectId,
      agent: s.agent,
      status: s.status,
      version: s.version,
      modelOverride: override,
      lastModelConfigId: s.lastModelConfigId,
      effectiveModel: { ...eff, label: this.catalog.label(eff.modelConfigId) },
      queueLength,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      lastActivityAt: s.lastActivityAt,
    };
  }

  private emitSession(kind: SessionChangeKind, session: Session): void {
    this.events.emit('session.updated', { kind, session, version: session.version });
  }

  /** Builds the session view only when someone is watching. */
  private emitSessionLazy(kind: SessionChangeKind, record: SessionRecord): void {
    if (!this.events.hasWatchers(record.id, 'session.updated')) return;
    void this.view(record).then(
      (v) => this.emitSession(kind, v),
      (err) => this.log.warn({ sessionId: record.id, err: errorText(err) }, 'could not build session event'),
    );
  }

  private async emitQueue(sessionId: string): Promise<void> {
    const queueWatched = this.events.hasWatchers(sessionId, 'queue.updated');
    const sessionWatched = this.events.hasWatchers(sessionId, 'session.updated');
    if (!queueWatched && !sessionWatched) return;
    const session = await this.repo.sessions.get(sessionId);
    if (!session) return;
    if (queueWatched) this.events.emit('queue.updated', { sessionId, version: session.version, queue: await this.repo.queue.list(sessionId) });
    if (sessionWatched) this.emitSession('queue_change', await this.view(session));
  }
}

function describeSource(source: ModelSource): string {
  switch (source) {
    case 'explicit':
      return 'model chosen for this message';
    case 'queued':
      return 'model in force when the message was queued';
    case 'job':
      return 'scheduled job model';
    case 'session':
      return 'session override';
    case 'agent':
      return 'agent profile';
    case 'global':
      return 'global default';
    case 'builtin':
      return 'built-in default';
  }
}

/** Human label of a resolution source, as shown next to a model ("fast · session override"). */
export function sourceLabel(source: ModelSource): string {
  return describeSource(source);
}

function cleanTitle(raw: string): string | null {
  const line = raw.trim().split(/\r?\n/)[0] ?? '';
  const t = line.replace(/^(title\s*:\s*)/i, '').replace(/^["'“”‘’*#\s]+|["'“”‘’*.\s]+$/g, '').trim();
  if (!t) return null;
  return t.length > 60 ? t.slice(0, 57).trimEnd() + '…' : t;
}

/** A usage range bound as a UTC ISO instant: a day starts at its midnight, and as an end, ends at the next. */
function usageBound(value: string, as: 'start' | 'end'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00.000Z`);
    if (as === 'end') day.setUTCDate(day.getUTCDate() + 1);
    return day.toISOString();
  }
  return new Date(value).toISOString();
}

function shortError(message: string): string {
  return message.length > 160 ? message.slice(0, 157) + '…' : message;
}

function deriveTitle(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  return line.length > 60 ? line.slice(0, 57).trimEnd() + '…' : line;
}

/** An error's text as it is logged, stored and shown: secret shapes scrubbed (provider errors already scrub configured keys). */
function errorText(err: unknown): string {
  return scrubSecretShapes(err instanceof Error ? err.message : String(err));
}
