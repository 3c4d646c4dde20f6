import type { ErrorBody, ErrorCode } from './errors';
import type {
  Channel,
  CreateSessionRequest,
  AbortResponse,
  EditMessageRequest,
  RerunResponse,
  RetryMessageRequest,
  CompactResponse,
  HealthResponse,
  ReadyResponse,
  ListMessagesQuery,
  ListSessionsQuery,
  MessagesResponse,
  ModelsResponse,
  OkResponse,
  PromoteRequest,
  QueueResponse,
  SendMessageRequest,
  SendMessageResponse,
  Session,
  SessionsResponse,
  SessionUsage,
  UsageReport,
  UsageReportQuery,
} from './schemas';
import type { ServerEventMap, ServerEventName } from './events';
import type { EventFrame, ResponseFrame, WsMethod, WsParams, WsResult } from './methods';
import type {
  AccessCheckRequest,
  AccessCheckResponse,
  AddApprovedUserRequest,
  ApprovedUserResponse,
  ApprovedUsersResponse,
  PendingPairingsResponse,
  RevokeUserResponse,
} from './access';
import type { TranscriptionResponse } from './transcription';
import type { Attachment } from './attachments';
import type {
  BulkSessionAction,
  BulkSessionsResponse,
  ConversationArchive,
  ExportedSession,
  ImportResponse,
  SearchQuery,
  SearchResponse,
  UpdateSessionRequest,
} from './conversations';
import type { AddIdentityRequest, IdentityQuery, PeopleResponse, PersonResponse, UpdatePersonRequest } from './people';
import type {
  CreateMemoryRequest,
  ListMemoriesQuery,
  MemoriesResponse,
  Memory,
  MemoryDecision,
  MemoryMetrics,
  MemorySettings,
  UpdateMemoryRequest,
  UpdateMemorySettingsRequest,
} from './memory';
import type {
  CreateJobRequest,
  Job,
  JobRunsResponse,
  JobsResponse,
  ListJobRunsQuery,
  RunJobRequest,
  RunJobResponse,
  UpdateJobRequest,
} from './jobs';
import type { AssistantConfigResponse, ProviderStatusResponse } from './providers';
import type { ToolsResponse } from './tools';
import { ROUTE_PATHS, routePath, type RouteId, type RouteParams } from './route-paths';
import type { DeliveryCursorResponse, PutDeliveryCursorRequest, PutDeliveryCursorResponse } from './delivery';

/** An error answered by the API (or the socket), with its stable code. */
export class SwitchboardApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SwitchboardApiError';
  }
}

/** The minimal WebSocket surface we use: the browser's WebSocket and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SwitchboardClientOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:8787 */
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
  /** WebSocket implementation (defaults to the global one, when there is one). */
  WebSocket?: WebSocketConstructor;
  /** Per-request timeout in ms for REST calls (default 120 s; `wait: true` turns can be long). */
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

/** The typed client for the v1 contract: REST calls plus a WebSocket connection. */
export class SwitchboardClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SwitchboardClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  health(): Promise<HealthResponse> {
    return this.route('health', {});
  }
  /** Readiness; a 503 (NOT_READY, with `details.checks`) throws like any error answer. */
  healthReady(): Promise<ReadyResponse> {
    return this.route('healthReady', {});
  }
  createSession(body: CreateSessionRequest = {}): Promise<Session> {
    return this.route('createSession', {}, body);
  }
  listSessions(query: ListSessionsQuery = {}): Promise<SessionsResponse> {
    return this.route('listSessions', {}, undefined, query);
  }
  getSession(sessionId: string): Promise<Session> {
    return this.route('getSession', { id: sessionId });
  }
  deleteSession(sessionId: string): Promise<Session> {
    return this.route('deleteSession', { id: sessionId });
  }
  /** Renames, archives or pins a session. */
  updateSession(sessionId: string, body: UpdateSessionRequest): Promise<Session> {
    return this.route('updateSession', { id: sessionId }, body);
  }
  /** Archives, unarchives or deletes many sessions; one result per id. */
  bulkSessions(action: BulkSessionAction, ids: string[]): Promise<BulkSessionsResponse> {
    return this.route('bulkSessions', {}, { action, ids });
  }
  /** Full-text search over message text. */
  search(query: SearchQuery): Promise<SearchResponse> {
    return this.route('searchMessages', {}, undefined, query);
  }
  /** One conversation as JSON. */
  exportSession(sessionId: string): Promise<ExportedSession> {
    return this.route('exportSession', { id: sessionId }, undefined, { format: 'json' });
  }
  /** One conversation as Markdown text. */
  exportSessionMarkdown(sessionId: string): Promise<string> {
    return this.send(ROUTE_PATHS.exportSession[0], routePath('exportSession', { id: sessionId }), { query: { format: 'markdown' }, text: true });
  }
  /** Every conversation as one archive. */
  exportAll(): Promise<ConversationArchive> {
    return this.route('exportAll', {});
  }
  /** Imports an archive made by `exportAll` (idempotent by session id). */
  importArchive(archive: ConversationArchive): Promise<ImportResponse> {
    return this.route('importArchive', {}, archive);
  }
  listMessages(sessionId: string, query: ListMessagesQuery = {}): Promise<MessagesResponse> {
    return this.route('listMessages', { id: sessionId }, undefined, query);
  }
  sendMessage(sessionId: string, body: SendMessageRequest): Promise<SendMessageResponse> {
    return this.route('sendMessage', { id: sessionId }, body);
  }
  /** Retries a failed or stopped reply, or regenerates the last one (the old attempt is kept, `superseded`). */
  retryMessage(sessionId: string, messageId: string, body: RetryMessageRequest = {}): Promise<RerunResponse> {
    return this.route('retryMessage', { id: sessionId, messageId }, body);
  }
  /** Edits a user message and resends it; it and every later message are kept, `superseded`. */
  editMessage(sessionId: string, messageId: string, body: EditMessageRequest): Promise<RerunResponse> {
    return this.route('editMessage', { id: sessionId, messageId }, body);
  }
  listQueue(sessionId: string): Promise<QueueResponse> {
    return this.route('listQueue', { id: sessionId });
  }
  promoteQueued(sessionId: string, queuedId: string, body: PromoteRequest = {}): Promise<QueueResponse> {
    return this.route('promoteQueued', { id: sessionId, queuedId }, body);
  }
  deleteQueued(sessionId: string, queuedId: string): Promise<QueueResponse> {
    return this.route('deleteQueued', { id: sessionId, queuedId });
  }
  setSessionModel(sessionId: string, model: string): Promise<Session> {
    return this.route('setSessionModel', { id: sessionId }, { model });
  }
  clearSessionModel(sessionId: string): Promise<Session> {
    return this.route('clearSessionModel', { id: sessionId });
  }
  resetSession(sessionId: string): Promise<Session> {
    return this.route('resetSession', { id: sessionId }, {});
  }
  abort(sessionId: string): Promise<AbortResponse> {
    return this.route('abort', { id: sessionId }, {});
  }
  compact(sessionId: string): Promise<CompactResponse> {
    return this.route('compact', { id: sessionId }, {});
  }
  getUsage(sessionId: string): Promise<SessionUsage> {
    return this.route('getUsage', { id: sessionId });
  }
  /** Usage across conversations: totals, per role, model and day, and the most used conversations. */
  getUsageReport(query: UsageReportQuery = {}): Promise<UsageReport> {
    return this.route('getUsageReport', {}, undefined, query);
  }
  listModels(): Promise<ModelsResponse> {
    return this.route('listModels', {});
  }
  setDefaultModel(model: string): Promise<ModelsResponse> {
    return this.route('setDefaultModel', {}, { model });
  }
  /** Each provider's last success and failure since the API started. */
  getProviderStatus(): Promise<ProviderStatusResponse> {
    return this.route('getProviderStatus', {});
  }
  /** The system prompt and agents from the config file (read-only). */
  getAssistantConfig(): Promise<AssistantConfigResponse> {
    return this.route('getAssistantConfig', {});
  }
  /** The tools agents can be allowed and the MCP servers' states. */
  listTools(): Promise<ToolsResponse> {
    return this.route('listTools', {});
  }

  // ---- access (pairing codes, approved users) and voice transcription ----

  /** Is this user allowed on the channel? When not, returns (or creates) a pending pairing code. */
  checkAccess(channel: Channel, body: AccessCheckRequest): Promise<AccessCheckResponse> {
    return this.route('checkAccess', { channel }, body);
  }
  listPendingPairings(channel: Channel): Promise<PendingPairingsResponse> {
    return this.route('listPendingPairings', { channel });
  }
  /** Approves a pending pairing by its code (PAIRING_NOT_FOUND when unknown, used or expired). */
  approvePairing(channel: Channel, code: string): Promise<ApprovedUserResponse> {
    return this.route('approvePairing', { channel }, { code });
  }
  listApprovedUsers(channel: Channel): Promise<ApprovedUsersResponse> {
    return this.route('listApprovedUsers', { channel });
  }
  addApprovedUser(channel: Channel, body: AddApprovedUserRequest): Promise<ApprovedUserResponse> {
    return this.route('addApprovedUser', { channel }, body);
  }
  revokeUser(channel: Channel, userId: string): Promise<RevokeUserResponse> {
    return this.route('revokeUser', { channel, userId });
  }

  // ---- people ----

  listPeople(): Promise<PeopleResponse> {
    return this.route('listPeople', {});
  }
  getPerson(id: string): Promise<PersonResponse> {
    return this.route('getPerson', { id });
  }
  updatePerson(id: string, body: UpdatePersonRequest): Promise<PersonResponse> {
    return this.route('updatePerson', { id }, body);
  }
  addIdentity(id: string, body: AddIdentityRequest): Promise<PersonResponse> {
    return this.route('addIdentity', { id }, body);
  }
  removeIdentity(id: string, identity: IdentityQuery): Promise<PersonResponse> {
    return this.route('removeIdentity', { id }, undefined, identity);
  }
  /** Transcribes audio with the transcription model of the session's effective provider. */
  transcribe(sessionId: string, audio: Uint8Array, mediaType = 'audio/ogg'): Promise<TranscriptionResponse> {
    const [method] = ROUTE_PATHS.transcribe;
    return this.send(method, routePath('transcribe', { id: sessionId }), { raw: { body: audio, mediaType } });
  }

  // ---- attachments (upload, then send with `attachmentIds`) ----

  /**
   * Uploads one file to a conversation (its bytes as they are; `mediaType` must match them).
   * Send it with `sendMessage(id, { text, attachmentIds: [attachment.id] })`.
   */
  uploadAttachment(sessionId: string, data: Uint8Array | Blob, mediaType: string, name?: string): Promise<Attachment> {
    const [method] = ROUTE_PATHS.uploadAttachment;
    return this.send(method, routePath('uploadAttachment', { id: sessionId }), { raw: { body: data, mediaType }, query: { name } });
  }
  /** An attachment's metadata. */
  getAttachment(sessionId: string, attachmentId: string): Promise<Attachment> {
    return this.route('getAttachment', { id: sessionId, attachmentId });
  }
  /** Deletes an upload that was not sent (ATTACHMENT_IN_USE for a sent one). */
  deleteAttachment(sessionId: string, attachmentId: string): Promise<Attachment> {
    return this.route('deleteAttachment', { id: sessionId, attachmentId });
  }
  /**
   * The URL of an attachment's bytes. Behind the dashboard's same-origin proxy (cookie sign-in)
   * it works as an `<img src>` or a link as it is; elsewhere use `fetchAttachmentContent`, which
   * sends the token.
   */
  attachmentContentUrl(sessionId: string, attachmentId: string): string {
    return this.baseUrl + routePath('getAttachmentContent', { id: sessionId, attachmentId });
  }
  /** An attachment's bytes and media type, fetched with the client's credentials. */
  async fetchAttachmentContent(sessionId: string, attachmentId: string): Promise<{ data: Uint8Array; mediaType: string }> {
    const headers: Record<string, string> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const res = await this.fetchImpl(this.attachmentContentUrl(sessionId, attachmentId), {
      headers,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
    });
    if (!res.ok) {
      const text = await res.text();
      let err: ErrorBody['error'] | undefined;
      try {
        err = (JSON.parse(text) as ErrorBody).error;
      } catch {
        err = undefined;
      }
      throw new SwitchboardApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? (text || res.statusText), err?.details);
    }
    return { data: new Uint8Array(await res.arrayBuffer()), mediaType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  // ---- delivery cursors (doors that forward a session's messages) ----

  /** How far `consumer` has delivered the session (version 0: never written). */
  getDeliveryCursor(sessionId: string, consumer: string): Promise<DeliveryCursorResponse> {
    return this.route('getDeliveryCursor', { id: sessionId, consumer });
  }
  /** Compare-and-set: `applied: false` (with what is stored) when the version moved on. */
  putDeliveryCursor(sessionId: string, consumer: string, body: PutDeliveryCursorRequest): Promise<PutDeliveryCursorResponse> {
    return this.route('putDeliveryCursor', { id: sessionId, consumer }, body);
  }

  // ---- scheduled jobs ----

  listJobs(): Promise<JobsResponse> {
    return this.route('listJobs', {});
  }
  createJob(body: CreateJobRequest): Promise<Job> {
    return this.route('createJob', {}, body);
  }
  getJob(jobId: string): Promise<Job> {
    return this.route('getJob', { id: jobId });
  }
  /** Config jobs accept only `enabled` (FORBIDDEN otherwise). */
  updateJob(jobId: string, body: UpdateJobRequest): Promise<Job> {
    return this.route('updateJob', { id: jobId }, body);
  }
  deleteJob(jobId: string): Promise<OkResponse> {
    return this.route('deleteJob', { id: jobId });
  }
  /** Runs a job now; `started: false` when it is already running. */
  runJob(jobId: string, body: RunJobRequest = {}): Promise<RunJobResponse> {
    return this.route('runJob', { id: jobId }, body);
  }
  /** The job's last runs, newest first (`limit` at most 50, default 20). */
  listJobRuns(jobId: string, query: ListJobRunsQuery = {}): Promise<JobRunsResponse> {
    return this.route('listJobRuns', { id: jobId }, undefined, query);
  }

  // ---- memory ----
  listMemories(query: ListMemoriesQuery = {}): Promise<MemoriesResponse> {
    return this.route('listMemories', {}, undefined, query);
  }
  createMemory(body: CreateMemoryRequest): Promise<MemoryDecision> {
    return this.route('createMemory', {}, body);
  }
  getMemoryMetrics(): Promise<MemoryMetrics> {
    return this.route('getMemoryMetrics', {});
  }
  updateMemory(id: string, body: UpdateMemoryRequest): Promise<Memory> {
    return this.route('updateMemory', { id }, body);
  }
  deleteMemory(id: string): Promise<OkResponse> {
    return this.route('deleteMemory', { id });
  }
  getMemorySettings(): Promise<MemorySettings> {
    return this.route('getMemorySettings', {});
  }
  setMemorySettings(body: UpdateMemorySettingsRequest): Promise<MemorySettings> {
    return this.route('setMemorySettings', {}, body);
  }

  /** Any JSON call, for routes that have no helper yet. */
  request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    return this.send(method, path, { json: body, query });
  }

  /** A call of the route table: method and path from libs/protocol/src/route-paths.ts. */
  private route<T, Id extends RouteId = RouteId>(id: Id, params: RouteParams<Id>, body?: unknown, query?: Query): Promise<T> {
    return this.send(ROUTE_PATHS[id][0], routePath(id, params), { json: body, query });
  }

  private async send<T>(
    method: string,
    path: string,
    init: { json?: unknown; raw?: { body: Uint8Array | Blob; mediaType: string }; query?: Query; text?: boolean },
  ): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let body: BodyInit | undefined;
    if (init.raw) {
      headers['content-type'] = init.raw.mediaType;
      body = init.raw.body as unknown as BodyInit;
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await this.fetchImpl(url, { method, headers, body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000) });
    const text = await res.text();
    if (init.text && res.ok) return text as T;
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!res.ok) {
      const err = (parsed as ErrorBody | undefined)?.error;
      throw new SwitchboardApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? (text || res.statusText), err?.details);
    }
    return parsed as T;
  }

  /** Opens the WebSocket, authenticates with the token, and resolves once it is ready. */
  async connect(): Promise<SwitchboardSocket> {
    const Ctor = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new Error('No WebSocket implementation: pass options.WebSocket (e.g. the `ws` package).');
    const url = new URL(this.baseUrl + '/ws');
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.options.token) url.searchParams.set('token', this.options.token);
    const socket = new SwitchboardSocket(new Ctor(url.toString()));
    await socket.ready;
    return socket;
  }
}

type Handler<E extends ServerEventName> = (payload: ServerEventMap[E], frame: EventFrame) => void;

/** One WebSocket connection: typed calls, typed events. */
export class SwitchboardSocket {
  readonly ready: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<string | number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, Set<(payload: unknown, frame: EventFrame) => void>>();
  private readonly closeHandlers = new Set<(code: number) => void>();
  private closed = false;
  /** The highest event sequence number seen on this connection. */
  lastSeq = 0;

  constructor(private readonly ws: WebSocketLike) {
    this.ready = new Promise((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = (ev) => reject(new Error('WebSocket error: ' + String((ev as { message?: string })?.message ?? 'connection failed')));
    });
    ws.onmessage = (ev) => this.onFrame(typeof ev.data === 'string' ? ev.data : String(ev.data));
    ws.onclose = (ev) => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new SwitchboardApiError(0, 'CONNECTION_CLOSED', 'WebSocket closed'));
      this.pending.clear();
      for (const h of this.closeHandlers) h(ev.code);
    };
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === 1;
  }

  /** Calls a method and resolves with its result (or rejects with a SwitchboardApiError). */
  call<M extends WsMethod>(method: M, params: WsParams<M>): Promise<WsResult<M>> {
    const id = this.nextId++;
    return new Promise<WsResult<M>>((resolve, reject) => {
      if (!this.isOpen) return reject(new SwitchboardApiError(0, 'CONNECTION_CLOSED', 'WebSocket is not open'));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Sends a raw frame (for tests of malformed input). */
  sendRaw(data: string): void {
    this.ws.send(data);
  }

  on<E extends ServerEventName>(event: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    const h = handler as (payload: unknown, frame: EventFrame) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Listens to every frame the server sends, responses included (for tests and debugging). */
  onAny(handler: (frame: ResponseFrame | EventFrame) => void): () => void {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }
  private readonly anyHandlers = new Set<(frame: ResponseFrame | EventFrame) => void>();

  onClose(handler: (code: number) => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  subscribe(sessionId?: string): Promise<{ subscriptionId: string }> {
    return this.call('watch.subscribe', sessionId ? { sessionId } : {});
  }

  close(): void {
    this.ws.close(1000);
  }

  private onFrame(data: string): void {
    let frame: ResponseFrame | EventFrame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    for (const h of this.anyHandlers) h(frame);
    if ('event' in frame) {
      this.lastSeq = Math.max(this.lastSeq, frame.seq);
      for (const h of this.handlers.get(frame.event) ?? []) h(frame.payload, frame);
      return;
    }
    if (frame.id === null || frame.id === undefined) return;
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    if (frame.ok) p.resolve(frame.result);
    else p.reject(new SwitchboardApiError(0, frame.error.code, frame.error.message, frame.error.details));
  }
}

export type { OkResponse };
