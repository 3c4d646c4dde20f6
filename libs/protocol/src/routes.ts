import { z } from 'zod';
import {
  abortResponseSchema,
  channelSchema,
  compactResponseSchema,
  createSessionRequestSchema,
  editMessageRequestSchema,
  rerunResponseSchema,
  retryMessageRequestSchema,
  healthResponseSchema,
  readyResponseSchema,
  listMessagesQuerySchema,
  listSessionsQuerySchema,
  messagesResponseSchema,
  modelsResponseSchema,
  okResponseSchema,
  promoteRequestSchema,
  queueResponseSchema,
  sendMessageRequestSchema,
  sendMessageResponseSchema,
  sessionSchema,
  sessionsResponseSchema,
  sessionUsageSchema,
  setModelRequestSchema,
  usageReportQuerySchema,
  usageReportSchema,
} from './schemas';
import {
  createMemoryRequestSchema,
  listMemoriesQuerySchema,
  memoriesResponseSchema,
  memoryDecisionSchema,
  memoryMetricsSchema,
  memorySchema,
  memorySettingsSchema,
  updateMemoryRequestSchema,
  updateMemorySettingsRequestSchema,
} from './memory';
import {
  createJobRequestSchema,
  jobRunsResponseSchema,
  jobSchema,
  jobsResponseSchema,
  listJobRunsQuerySchema,
  runJobRequestSchema,
  runJobResponseSchema,
  updateJobRequestSchema,
} from './jobs';
import { assistantConfigResponseSchema, providerStatusResponseSchema } from './providers';
import { toolsResponseSchema } from './tools';
import {
  accessCheckRequestSchema,
  accessCheckResponseSchema,
  addApprovedUserRequestSchema,
  approvedUserResponseSchema,
  approvedUsersResponseSchema,
  approvePairingRequestSchema,
  pendingPairingsResponseSchema,
  revokeUserResponseSchema,
} from './access';
import { transcriptionResponseSchema } from './transcription';
import { ATTACHMENT_MEDIA_TYPES, attachmentSchema, uploadAttachmentQuerySchema } from './attachments';
import { addIdentityRequestSchema, identityQuerySchema, peopleResponseSchema, personResponseSchema, updatePersonRequestSchema } from './people';
import { deliveryConsumerSchema, deliveryCursorResponseSchema, putDeliveryCursorRequestSchema, putDeliveryCursorResponseSchema } from './delivery';
import { chatCompletionRequestSchema, openAiModelListSchema, openAiModelSchema } from './openai';
import {
  bulkSessionsRequestSchema,
  bulkSessionsResponseSchema,
  conversationArchiveSchema,
  exportSessionQuerySchema,
  importResponseSchema,
  searchQuerySchema,
  searchResponseSchema,
  updateSessionRequestSchema,
} from './conversations';
import { ROUTE_PATHS, type HttpMethod, type RouteId } from './route-paths';

/** What a route says besides its method and path (those are in route-paths.ts, by the same id). */
export interface RouteDetails {
  summary: string;
  /** `public`: no token (health, docs); `token`: `Authorization: Bearer <token>`. */
  auth: 'public' | 'token';
  /** Path parameters the API validates (any other `{name}` in the path is a plain string). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Media types of the request body when it is not JSON (read raw; anything else is a 415). */
  bodyTypes?: readonly string[];
  /** Media types of the response when it is not (only) JSON. */
  responseTypes?: readonly string[];
  /** The error statuses a caller should expect besides 401 (and 413 with a body). */
  errors?: readonly number[];
}

/** One route of the table. */
export interface RouteSpec<Id extends RouteId = RouteId> extends RouteDetails {
  id: Id;
  method: HttpMethod;
  path: string;
}

const T = 'token';

const details = {
  health: { summary: 'Liveness (no auth)', auth: 'public', response: healthResponseSchema },
  healthReady: {
    summary: 'Readiness for load balancers (no auth): the database answers, no migration is pending, the model catalog is loaded; otherwise 503 NOT_READY with `details.checks`',
    auth: 'public',
    response: readyResponseSchema,
    errors: [503],
  },

  createSession: { summary: 'Get or create a session by channel + peerId', auth: T, body: createSessionRequestSchema, response: sessionSchema },
  listSessions: { summary: 'List sessions, newest activity first', auth: T, query: listSessionsQuerySchema, response: sessionsResponseSchema },
  getSession: { summary: 'A session: status, version, model override, effective model', auth: T, response: sessionSchema, errors: [404] },
  deleteSession: { summary: 'Delete a session with its history, overrides, queue and usage (a `deleted` event)', auth: T, response: sessionSchema, errors: [404] },
  updateSession: {
    summary: 'Rename, archive, pin a session or show its reasoning (`title_change`, `archive_change`, `pin_change`, `reasoning_change` events)',
    auth: T,
    body: updateSessionRequestSchema,
    response: sessionSchema,
    errors: [400, 404],
  },
  bulkSessions: {
    summary: 'Archive, unarchive or delete up to 200 sessions; one result per id (a missing id is a failed result, not an error)',
    auth: T,
    body: bulkSessionsRequestSchema,
    response: bulkSessionsResponseSchema,
    errors: [400],
  },
  exportSession: {
    summary: 'One conversation as Markdown or JSON (session view, messages with models, sources, usage and events, settings), as a download',
    auth: T,
    query: exportSessionQuerySchema,
    responseTypes: ['text/markdown', 'application/json'],
    errors: [400, 404],
  },
  searchMessages: {
    summary: 'Full-text search over user and assistant messages: conversations with their best match and a highlighted snippet, newest activity first, paged',
    auth: T,
    query: searchQuerySchema,
    response: searchResponseSchema,
    errors: [400],
  },
  exportAll: { summary: 'Every conversation as one JSON archive (`version`), for `POST /import`', auth: T, response: conversationArchiveSchema },
  importArchive: {
    summary: 'Import an archive (up to 50 MiB) in one transaction; sessions already present are skipped, taken peer ids get a suffix',
    auth: T,
    body: conversationArchiveSchema,
    response: importResponseSchema,
    errors: [400],
  },
  listMessages: { summary: 'History, system events included', auth: T, query: listMessagesQuerySchema, response: messagesResponseSchema, errors: [404] },
  sendMessage: {
    summary: 'Send a message (queued when the session is busy; wait: true returns the reply)',
    auth: T,
    body: sendMessageRequestSchema,
    response: sendMessageResponseSchema,
    errors: [400, 404, 409, 413, 422, 429],
  },
  retryMessage: {
    summary:
      'Retry a failed or stopped reply, or regenerate the last one (optionally with another model): the turn runs again with the same user text; the old attempt stays in history as `superseded`. Only the latest reply; SESSION_BUSY while a turn runs or messages wait',
    auth: T,
    body: retryMessageRequestSchema,
    response: rerunResponseSchema,
    errors: [400, 404, 409, 429],
  },
  editMessage: {
    summary:
      'Edit a user message and resend it: the conversation continues from there; that message and every later one stay in history as `superseded` (archived, out of the model context). SESSION_BUSY while a turn runs or messages wait',
    auth: T,
    body: editMessageRequestSchema,
    response: rerunResponseSchema,
    errors: [400, 404, 409, 429],
  },
  listQueue: { summary: 'Queued messages in order, each with its model snapshot', auth: T, response: queueResponseSchema, errors: [404] },
  promoteQueued: {
    summary: 'Move a queued message to the head (interrupt: stop the running turn)',
    auth: T,
    body: promoteRequestSchema,
    response: queueResponseSchema,
    errors: [404],
  },
  deleteQueued: { summary: 'Remove a queued message', auth: T, response: queueResponseSchema, errors: [404] },
  setSessionModel: {
    summary: 'Set the session override (id, alias or tier); `default` clears it (as DELETE does)',
    auth: T,
    body: setModelRequestSchema,
    response: sessionSchema,
    errors: [400, 404],
  },
  clearSessionModel: { summary: 'Clear the session override', auth: T, response: sessionSchema, errors: [404] },
  resetSession: { summary: 'Clear history and session overrides', auth: T, response: sessionSchema, errors: [404] },
  abort: { summary: 'Abort the running turn (partial reply kept)', auth: T, response: abortResponseSchema, errors: [404] },
  compact: { summary: 'Summarise older turns now (the full history is kept)', auth: T, response: compactResponseSchema, errors: [404] },
  getUsage: { summary: 'Tokens and cost: primary, per delegation role, total', auth: T, response: sessionUsageSchema, errors: [404] },
  transcribe: {
    summary: "Transcribe raw audio (audio/* body, up to 20 MiB) with the transcription model of the session's provider",
    auth: T,
    bodyTypes: ['audio/*', 'application/octet-stream'],
    response: transcriptionResponseSchema,
    errors: [404, 415, 422],
  },
  uploadAttachment: {
    summary:
      'Upload one file (raw body: image/png, image/jpeg, image/gif, image/webp or application/pdf, as configured; its bytes must match the type) to send with a message (`attachmentIds`). Unsent uploads are swept after `attachments.unsentTtlMinutes`',
    auth: T,
    query: uploadAttachmentQuerySchema,
    bodyTypes: [...ATTACHMENT_MEDIA_TYPES, 'application/octet-stream'],
    response: attachmentSchema,
    errors: [400, 404, 413, 415],
  },
  getAttachment: { summary: "An attachment's metadata (name, type, size, status, the message that sent it)", auth: T, response: attachmentSchema, errors: [404] },
  getAttachmentContent: {
    summary: "An attachment's bytes, with its media type (images inline, PDFs as a download)",
    auth: T,
    responseTypes: ATTACHMENT_MEDIA_TYPES,
    errors: [404],
  },
  deleteAttachment: {
    summary: 'Delete an upload that was not sent (a sent one goes with its message or conversation: 409 ATTACHMENT_IN_USE)',
    auth: T,
    response: attachmentSchema,
    errors: [404, 409],
  },
  getDeliveryCursor: {
    summary: 'How far a forwarding door (consumer, e.g. telegram) has delivered the session (version 0: never written)',
    auth: T,
    params: z.object({ consumer: deliveryConsumerSchema }),
    response: deliveryCursorResponseSchema,
    errors: [400, 404],
  },
  putDeliveryCursor: {
    summary: 'Move the cursor by compare-and-set: applied only if the stored version is still expectedVersion',
    auth: T,
    params: z.object({ consumer: deliveryConsumerSchema }),
    body: putDeliveryCursorRequestSchema,
    response: putDeliveryCursorResponseSchema,
    errors: [400, 404],
  },

  getUsageReport: {
    summary: 'Usage across conversations: totals, per role, model and UTC day, the most used conversations (from/to: a day or an instant)',
    auth: T,
    query: usageReportQuerySchema,
    response: usageReportSchema,
    errors: [400],
  },
  listModels: { summary: 'The model catalog and the global default', auth: T, response: modelsResponseSchema },
  setDefaultModel: { summary: 'Set the global default model', auth: T, body: setModelRequestSchema, response: modelsResponseSchema, errors: [400] },
  getProviderStatus: {
    summary: "Each provider's last successful and failed model call since the API started (error code, HTTP status, scrubbed text; never keys)",
    auth: T,
    response: providerStatusResponseSchema,
  },
  getAssistantConfig: {
    summary: "The system prompt and agent profiles from the config file (read-only) and where the configuration came from",
    auth: T,
    response: assistantConfigResponseSchema,
  },
  listTools: {
    summary: 'The tools agents can be allowed: built-in, memory and MCP tools with where they come from, and each MCP server\'s state',
    auth: T,
    response: toolsResponseSchema,
  },

  listMemories: {
    summary: 'Memories by scope and owner (personId, groupId, projectId); `q` ranks by relevance (score)',
    auth: T,
    query: listMemoriesQuerySchema,
    response: memoriesResponseSchema,
    errors: [400, 404],
  },
  createMemory: {
    summary: 'Add a memory the user states, through the quality gate (secrets and duplicates refused: 422 MEMORY_REJECTED with a reason)',
    auth: T,
    body: createMemoryRequestSchema,
    response: memoryDecisionSchema,
    errors: [400, 404, 422],
  },
  getMemoryMetrics: { summary: 'Memory pipeline counters: queue depth, flushes, drops, gate decisions', auth: T, response: memoryMetricsSchema },
  updateMemory: {
    summary: 'Edit a memory (history keeps the old version)',
    auth: T,
    body: updateMemoryRequestSchema,
    response: memorySchema,
    errors: [400, 404, 422],
  },
  deleteMemory: {
    summary: 'Hard delete: the memory, its older versions, its search entry and its history content',
    auth: T,
    response: okResponseSchema,
    errors: [404],
  },
  getMemorySettings: { summary: 'Memory settings: enabled, silent', auth: T, response: memorySettingsSchema },
  setMemorySettings: {
    summary: 'Change memory settings (installation-wide)',
    auth: T,
    body: updateMemorySettingsRequestSchema,
    response: memorySettingsSchema,
    errors: [400],
  },

  listJobs: { summary: 'Scheduled jobs', auth: T, response: jobsResponseSchema },
  createJob: {
    summary: 'Create a job (cron or everySeconds, prompt, target session, optional model)',
    auth: T,
    body: createJobRequestSchema,
    response: jobSchema,
    errors: [400],
  },
  getJob: { summary: 'One job', auth: T, response: jobSchema, errors: [404] },
  updateJob: { summary: 'Change a job', auth: T, body: updateJobRequestSchema, response: jobSchema, errors: [400, 403, 404] },
  deleteJob: { summary: 'Delete a job (config jobs can only be disabled)', auth: T, response: okResponseSchema, errors: [403, 404] },
  runJob: { summary: 'Run a job now', auth: T, body: runJobRequestSchema, response: runJobResponseSchema, errors: [404] },
  listJobRuns: {
    summary: "A job's last runs, newest first (the last 50 are kept)",
    auth: T,
    query: listJobRunsQuerySchema,
    response: jobRunsResponseSchema,
    errors: [400, 404],
  },

  checkAccess: {
    summary: 'Is a user allowed? Creates a pairing code for an unknown one',
    auth: T,
    params: z.object({ channel: channelSchema }),
    body: accessCheckRequestSchema,
    response: accessCheckResponseSchema,
    errors: [400],
  },
  listPendingPairings: {
    summary: 'Pending pairing requests',
    auth: T,
    params: z.object({ channel: channelSchema }),
    response: pendingPairingsResponseSchema,
    errors: [400],
  },
  approvePairing: {
    summary: 'Approve a pairing code',
    auth: T,
    params: z.object({ channel: channelSchema }),
    body: approvePairingRequestSchema,
    response: approvedUserResponseSchema,
    errors: [400, 404],
  },
  listApprovedUsers: {
    summary: 'Approved users',
    auth: T,
    params: z.object({ channel: channelSchema }),
    response: approvedUsersResponseSchema,
    errors: [400],
  },
  addApprovedUser: {
    summary: 'Approve a user directly',
    auth: T,
    params: z.object({ channel: channelSchema }),
    body: addApprovedUserRequestSchema,
    response: approvedUserResponseSchema,
    errors: [400],
  },
  revokeUser: {
    summary: 'Revoke a user',
    auth: T,
    params: z.object({ channel: channelSchema }),
    response: revokeUserResponseSchema,
    errors: [400],
  },

  listPeople: { summary: 'People: the owner first, then members by name; each with accounts, limits and usage today', auth: T, response: peopleResponseSchema },
  getPerson: { summary: 'One person: accounts, role, limits in force and overrides, usage today', auth: T, response: personResponseSchema, errors: [404] },
  updatePerson: {
    summary: 'Rename a person, change a role (the owner stays owner), set limits (`null` clears one back to the role default)',
    auth: T,
    body: updatePersonRequestSchema,
    response: personResponseSchema,
    errors: [400, 403, 404],
  },
  addIdentity: {
    summary: "Link an account (channel + peerId) to a person; an account linked to someone else moves (with that person's memories when it was their only account)",
    auth: T,
    body: addIdentityRequestSchema,
    response: personResponseSchema,
    errors: [400, 404],
  },
  removeIdentity: {
    summary: 'Unlink an account (`?channel=&peerId=`); the person and their memories stay',
    auth: T,
    query: identityQuerySchema,
    response: personResponseSchema,
    errors: [400, 404],
  },

  metrics: { summary: 'Prometheus metrics (token required)', auth: T, responseTypes: ['text/plain'] },
  chatCompletions: {
    summary: 'OpenAI-compatible chat completions (streaming too): stateless without X-Session-Key, a server-side conversation with it',
    auth: T,
    body: chatCompletionRequestSchema,
    responseTypes: ['application/json', 'text/event-stream'],
    errors: [400, 404, 502],
  },
  openAiListModels: { summary: 'The enabled catalog in OpenAI list format, plus switchboard (the chain)', auth: T, response: openAiModelListSchema },
  openAiGetModel: { summary: 'One model in OpenAI format', auth: T, response: openAiModelSchema, errors: [404] },
  docsJson: { summary: 'This OpenAPI document', auth: 'public', response: z.record(z.string(), z.unknown()) },
  docsPage: { summary: 'The API docs page (Swagger UI)', auth: 'public', responseTypes: ['text/html'] },
  docsAsset: { summary: "An asset of the docs page (stylesheet, scripts, icon)", auth: 'public', responseTypes: ['text/css', 'text/javascript', 'image/png'], errors: [404] },
} as const satisfies Record<RouteId, RouteDetails>;

type Details = typeof details;

/**
 * The route table: every REST route of the API, by id. The controllers' validation
 * (apps/api/src/core/route-pipes.ts), the OpenAPI document and the typed client come from it;
 * a parity test checks it against the routes the API registers.
 */
export const ROUTES = Object.fromEntries(
  (Object.keys(ROUTE_PATHS) as RouteId[]).map((id) => {
    const [method, path] = ROUTE_PATHS[id];
    return [id, { id, method, path, ...details[id] }];
  }),
) as { [K in RouteId]: RouteSpec<K> & Details[K] };

/** Every route, in table order. */
export const ROUTE_LIST: readonly RouteSpec[] = Object.values(ROUTES);
