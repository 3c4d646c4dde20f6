import type {
  CreateSessionRequest,
  ListMessagesQuery,
  ListSessionsQuery,
  Message,
  ModelsResponse,
  QueueResponse,
  RerunResponse,
  SendMessageRequest,
  SendMessageResponse,
  Session,
  SessionUsage,
  UsageReport,
  UsageReportQuery,
  UpdateSessionRequest,
  BulkSessionAction,
  BulkSessionResult,
  SearchQuery,
  SearchResponse,
  ConversationArchive,
  ImportResponse,
  ServerEventMap,
  ServerEventName,
} from '@switchboard/protocol';
import type { LoadedConfig, ModelCatalog, ModelResolution, ResolveModelInput, ToolSpec } from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import type { SessionRecord } from '../store/session.store';
import type { CommandTarget } from '../commands/command-handler';
import { Conversation, type JobSendHooks } from '../conversation';
import { ConversationContext, DEFAULT_SYSTEM_PROMPT } from '../context/conversation-context';
import { Delegator } from '../delegation/delegator';
import type { PeerRef } from '../sessions/agent-routing';
import { ModelChoice } from '../sessions/model-choice';
import { SessionEvents } from '../sessions/session-events';
import { SessionService } from '../sessions/session.service';
import { ConversationsService, type ExportFile } from '../sessions/conversations.service';
import { builtinTools } from '../turns/builtin-tools';
import { BackgroundWork, type RunningTurn } from '../turns/running-turn';
import { StatelessTurns } from '../turns/stateless-turn';
import { TurnQueue } from '../turns/turn-queue';
import { TurnRunner } from '../turns/turn-runner';
import { TurnLeaseKeeper } from '../turns/turn-leases';
import { AttachmentPolicy } from '../attachments/attachment-policy';
import { AttachmentService } from '../attachments/attachment.service';
import {
  noopSink,
  silentLogger,
  type CommandExtension,
  type EngineEventSink,
  type EngineLogger,
  type ModelStreamer,
  type PeoplePort,
  type ReplicaPort,
  type TurnHooks,
  type SendHooks,
  type UsageObserver,
} from './engine.types';

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
  /** Sees the usage of every delegated call (metrics); unused when `delegator` is given. */
  onUsage?: UsageObserver;
  /** The app's one delegator, shared with memory extraction; the engine makes its own when absent. */
  delegator?: Delegator;
  /** Who people are (speakers, their limits, whose a conversation is); absent: nobody is known or limited. */
  people?: PeoplePort;
  /** Replicas sharing one PostgreSQL database: turn leases and recovery; absent: the process is alone. */
  replica?: ReplicaPort;
}

/**
 * The one orchestrator every door uses, and its front door: a thin composition of the session
 * service (sessions/), the turn queue and runner (turns/), the conversation context
 * (context/), delegated side work (delegation/) and the command handler (commands/).
 */
export class SessionEngine implements CommandTarget {
  private readonly repo: SessionRepository;
  private readonly catalog: ModelCatalog;
  private readonly choice: ModelChoice;
  private readonly views: SessionEvents;
  private readonly sessions: SessionService;
  private readonly conversations: ConversationsService;
  private readonly queue: TurnQueue;
  private readonly context: ConversationContext;
  private readonly conversation: Conversation;
  readonly commandExtensions: ReadonlyMap<string, CommandExtension>;
  /** Turns whose conversation the caller holds (the OpenAI door without a session key). */
  readonly stateless: StatelessTurns;
  /** Uploads, reads and deletions of attachments (images, PDFs). */
  readonly attachments: AttachmentService;

  constructor(options: SessionEngineOptions) {
    const { repo, catalog, config, streamer } = options;
    const events = options.events ?? noopSink;
    const log = options.logger ?? silentLogger;
    const hooks = options.hooks ?? [];
    this.repo = repo;
    this.catalog = catalog;
    const delegator =
      options.delegator ??
      new Delegator({ streamer, catalog, repo, limits: config.limits, log, ...(options.onUsage ? { onUsage: options.onUsage } : {}) });
    const tools = [...builtinTools({ repo, delegator, webFetch: config.tools.webFetch }), ...(options.tools ?? [])];
    this.commandExtensions = new Map((options.commands ?? []).map((c) => [c.name, c]));

    const choice = (this.choice = new ModelChoice(catalog, config));
    const policy = new AttachmentPolicy(config.attachments, catalog);
    this.attachments = new AttachmentService({ repo, policy, log });
    const people = options.people ?? null;
    const views = (this.views = new SessionEvents({ repo, catalog, choice, events, log, people }));
    const context = (this.context = new ConversationContext({ repo, catalog, config, choice, delegator, views, log }));
    const running = new Map<string, RunningTurn>();
    const work = new BackgroundWork();
    const replica = options.replica;
    const runner: TurnRunner = new TurnRunner({
      repo, catalog, config, streamer, events, log, hooks, tools, choice, context, delegator, views, running, work,
      partialFlushMs: options.partialFlushMs ?? 400,
      afterTurn: (sessionId) => queue.drain(sessionId),
      leased: Boolean(replica),
    });
    const leases = replica
      ? new TurnLeaseKeeper({ repo, replica, views, events, log, running, drain: (sessionId) => queue.scheduleDrain(sessionId) })
      : undefined;
    const queue: TurnQueue = (this.queue = new TurnQueue({
      repo, catalog, choice, views, log, running, work,
      launch: (started) => runner.launch(started),
      attachments: policy,
      ...(people ? { people } : {}),
      ...(replica && leases ? { replica, leases } : {}),
    }));
    this.sessions = new SessionService({ repo, catalog, config, choice, views, events, log, hooks, turns: queue, people });
    this.conversations = new ConversationsService({ repo, views, choice, log, people });
    this.conversation = new Conversation({ repo, queue, people, commands: this });
    this.stateless = new StatelessTurns({
      repo, catalog, config, streamer, hooks, tools, log, people,
      defaultSystemPrompt: DEFAULT_SYSTEM_PROMPT,
      resolve: (peer, levels) => choice.resolveFor(peer, levels),
      agentFor: (peer) => choice.agentFor(peer),
      isStopped: () => queue.isStopped,
      attachments: policy,
      ...(options.onUsage ? { onUsage: options.onUsage } : {}),
    });
  }

  /** Stores a system event (e.g. "memory saved") in a session's history and pushes it to watchers. */
  appendSystemEvent(sessionId: string, kind: Message['kind'], content: string, event: Record<string, unknown> | null = null): Promise<Message> {
    return this.views.appendSystemEvent(sessionId, kind, content, event);
  }

  /**
   * An event another replica emitted (the API relays them): the global default it changed, and
   * turns it started or finished for messages queued here.
   */
  remoteEvent<E extends ServerEventName>(event: E, payload: ServerEventMap[E]): void {
    if (event === 'settings.updated') void this.reloadSettings().catch(() => undefined);
    if (event === 'session.updated' && (payload as ServerEventMap['session.updated']).kind === 'deleted') {
      void this.sessions.deletedElsewhere((payload as ServerEventMap['session.updated']).session.id);
    }
    this.queue.onRemoteEvent(event, payload as never);
  }

  /** Reads the saved global default again (another replica changed it); the saved value is the truth, not an event's resolution of it. */
  reloadSettings(): Promise<void> {
    return this.choice.load(this.repo);
  }

  /** Stops a turn running on this replica (another replica relayed the request). */
  stopLocalTurn(sessionId: string): Promise<boolean> {
    return this.queue.isRunning(sessionId) ? this.queue.stopTurn(sessionId) : Promise.resolve(false);
  }

  /** Loads persisted settings and recovers from a crash: interrupted turns are marked, queues resume. */
  async start(): Promise<void> {
    await this.choice.load(this.repo);
    await this.queue.recover();
  }

  /** Stops taking turns, aborts running ones (their partial replies are kept) and waits for them. */
  async stop(): Promise<void> {
    const stopping = this.queue.stop();
    this.stateless.abortAll();
    await stopping;
  }

  // ---------------------------------------------------------------- the door

  /** The single door for user text: commands, explicit models, queueing and turns. */
  send(sessionId: string, req: SendMessageRequest, hooks: SendHooks = {}): Promise<SendMessageResponse> {
    return this.conversation.send(sessionId, req, hooks);
  }

  /**
   * Sends text as a conversation message (no command parsing). `onTurnStarted` is called when
   * the message's turn starts — at once, or when it leaves the queue.
   */
  sendText(sessionId: string, req: SendMessageRequest, hooks: JobSendHooks = {}): Promise<SendMessageResponse> {
    return this.conversation.sendText(sessionId, req, hooks);
  }

  // ---------------------------------------------------------------- sessions (sessions/)

  createSession(req: CreateSessionRequest): Promise<Session> {
    return this.sessions.createSession(req);
  }

  listSessions(query: ListSessionsQuery = {}): Promise<Session[]> {
    return this.sessions.listSessions(query);
  }

  getSession(sessionId: string): Promise<Session> {
    return this.sessions.getSession(sessionId);
  }

  listMessages(sessionId: string, query: ListMessagesQuery = {}): Promise<Message[]> {
    return this.sessions.listMessages(sessionId, query);
  }

  models(): ModelsResponse {
    return this.sessions.models();
  }

  /** Sets the global default; never touches any session's override. */
  setDefaultModel(ref: string): Promise<ModelsResponse> {
    return this.sessions.setDefaultModel(ref);
  }

  /** Sets the session override; `default` clears it instead (one meaning on every door). */
  setSessionModel(sessionId: string, ref: string): Promise<Session> {
    return this.sessions.setSessionModel(sessionId, ref);
  }

  clearSessionModel(sessionId: string): Promise<Session> {
    return this.sessions.clearSessionModel(sessionId);
  }

  /** Clears history and every session override together; a running turn is stopped first. */
  reset(sessionId: string): Promise<Session> {
    return this.sessions.reset(sessionId);
  }

  /** Deletes a session with its history, config, queue and usage; a running turn is stopped first. */
  deleteSession(sessionId: string): Promise<Session> {
    return this.sessions.deleteSession(sessionId);
  }

  usage(sessionId: string): Promise<SessionUsage> {
    return this.sessions.usage(sessionId);
  }

  /** Renames, archives or pins a session. */
  updateSession(sessionId: string, req: UpdateSessionRequest): Promise<Session> {
    return this.sessions.updateSession(sessionId, req);
  }

  /** Archives, unarchives or deletes many sessions; one result per id. */
  bulkSessions(action: BulkSessionAction, ids: readonly string[]): Promise<BulkSessionResult[]> {
    return this.sessions.bulk(action, ids);
  }

  /** Full-text search over user and assistant messages. */
  search(query: SearchQuery): Promise<SearchResponse> {
    return this.conversations.search(query);
  }

  /** One conversation as a Markdown or JSON download. */
  exportSession(sessionId: string, format: 'markdown' | 'json'): Promise<ExportFile> {
    return this.conversations.exportFile(sessionId, format);
  }

  /** Every conversation as one archive. */
  exportAll(): Promise<ConversationArchive> {
    return this.conversations.exportAll();
  }

  /** Imports an archive in one transaction (idempotent by session id). */
  importArchive(archive: ConversationArchive): Promise<ImportResponse> {
    return this.conversations.importArchive(archive);
  }

  /** Usage across conversations; `from`/`to` take a UTC day or an instant (`to` exclusive, a day counts whole). */
  usageReport(query: UsageReportQuery = {}): Promise<UsageReport> {
    return this.sessions.usageReport(query);
  }

  view(s: SessionRecord): Promise<Session> {
    return this.views.view(s);
  }

  // ---------------------------------------------------------------- turns and queue (turns/)

  /** Aborts the running turn, keeping its partial reply; false when nothing runs. */
  abort(sessionId: string): Promise<boolean> {
    return this.queue.abort(sessionId);
  }

  /** Retries a failed or stopped reply, or regenerates the latest one; the old attempt is archived (`superseded`). */
  retryMessage(sessionId: string, messageId: string, req: { model?: string; wait?: boolean } = {}): Promise<RerunResponse> {
    return this.queue.rerun(sessionId, messageId, { kind: 'retry', ...req });
  }

  /** Edits a user message and resends it: that message and every later one are archived (`superseded`). */
  editMessage(sessionId: string, messageId: string, req: { text: string; model?: string; wait?: boolean }): Promise<RerunResponse> {
    return this.queue.rerun(sessionId, messageId, { kind: 'edit', ...req });
  }

  listQueue(sessionId: string): Promise<QueueResponse> {
    return this.queue.listQueue(sessionId);
  }

  /** Moves a queued message to the head; with interrupt, stops the running turn so it runs next. */
  promote(sessionId: string, queuedId: string, interrupt = false): Promise<QueueResponse> {
    return this.queue.promote(sessionId, queuedId, interrupt);
  }

  deleteQueued(sessionId: string, queuedId: string): Promise<QueueResponse> {
    return this.queue.deleteQueued(sessionId, queuedId);
  }

  isRunning(sessionId: string): boolean {
    return this.queue.isRunning(sessionId);
  }

  /** `/compact`: summarises the older turns now. */
  compact(sessionId: string): Promise<Message | null> {
    return this.context.compact(sessionId);
  }

  // ---------------------------------------------------------------- resolution

  /** The chain for this session with the given upper levels (explicit, queued, job, session). */
  resolveFor(session: PeerRef | null, levels: Pick<ResolveModelInput, 'explicit' | 'queued' | 'job' | 'session'>): ModelResolution {
    return this.choice.resolveFor(session, levels);
  }

  get modelCatalog(): ModelCatalog {
    return this.catalog;
  }

  get repository(): SessionRepository {
    return this.repo;
  }

  get globalDefaultModel(): string | null {
    return this.choice.global;
  }
}
