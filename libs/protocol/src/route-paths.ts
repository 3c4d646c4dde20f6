/**
 * Method and path of every REST route, by route id: the half of the route table (routes.ts)
 * that carries no zod schema, so the typed client (and the browser bundle) can build URLs from
 * it without pulling the schemas in. Route ids are the typed client's method names.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const S = '/api/v1/sessions/{id}';
const A = '/api/v1/access/{channel}';

export const ROUTE_PATHS = {
  health: ['GET', '/api/v1/health'],
  healthReady: ['GET', '/api/v1/health/ready'],
  // sessions
  createSession: ['POST', '/api/v1/sessions'],
  listSessions: ['GET', '/api/v1/sessions'],
  getSession: ['GET', S],
  deleteSession: ['DELETE', S],
  updateSession: ['PATCH', S],
  bulkSessions: ['POST', '/api/v1/sessions/bulk'],
  exportSession: ['GET', `${S}/export`],
  searchMessages: ['GET', '/api/v1/search'],
  exportAll: ['GET', '/api/v1/export'],
  importArchive: ['POST', '/api/v1/import'],
  listMessages: ['GET', `${S}/messages`],
  sendMessage: ['POST', `${S}/messages`],
  retryMessage: ['POST', `${S}/messages/{messageId}/retry`],
  editMessage: ['POST', `${S}/messages/{messageId}/edit`],
  listQueue: ['GET', `${S}/queue`],
  promoteQueued: ['POST', `${S}/queue/{queuedId}/promote`],
  deleteQueued: ['DELETE', `${S}/queue/{queuedId}`],
  setSessionModel: ['PUT', `${S}/model`],
  clearSessionModel: ['DELETE', `${S}/model`],
  resetSession: ['POST', `${S}/reset`],
  abort: ['POST', `${S}/abort`],
  compact: ['POST', `${S}/compact`],
  getUsage: ['GET', `${S}/usage`],
  transcribe: ['POST', `${S}/transcriptions`],
  uploadAttachment: ['POST', `${S}/attachments`],
  getAttachment: ['GET', `${S}/attachments/{attachmentId}`],
  getAttachmentContent: ['GET', `${S}/attachments/{attachmentId}/content`],
  deleteAttachment: ['DELETE', `${S}/attachments/{attachmentId}`],
  getDeliveryCursor: ['GET', `${S}/delivery-cursors/{consumer}`],
  putDeliveryCursor: ['PUT', `${S}/delivery-cursors/{consumer}`],
  // usage and models
  getUsageReport: ['GET', '/api/v1/usage'],
  listModels: ['GET', '/api/v1/models'],
  setDefaultModel: ['PUT', '/api/v1/settings/default-model'],
  getProviderStatus: ['GET', '/api/v1/providers/status'],
  getAssistantConfig: ['GET', '/api/v1/settings/assistant'],
  listTools: ['GET', '/api/v1/tools'],
  // memory
  listMemories: ['GET', '/api/v1/memories'],
  createMemory: ['POST', '/api/v1/memories'],
  getMemoryMetrics: ['GET', '/api/v1/memories/metrics'],
  updateMemory: ['PATCH', '/api/v1/memories/{id}'],
  deleteMemory: ['DELETE', '/api/v1/memories/{id}'],
  getMemorySettings: ['GET', '/api/v1/settings/memory'],
  setMemorySettings: ['PUT', '/api/v1/settings/memory'],
  // scheduled jobs
  listJobs: ['GET', '/api/v1/jobs'],
  createJob: ['POST', '/api/v1/jobs'],
  getJob: ['GET', '/api/v1/jobs/{id}'],
  updateJob: ['PATCH', '/api/v1/jobs/{id}'],
  deleteJob: ['DELETE', '/api/v1/jobs/{id}'],
  runJob: ['POST', '/api/v1/jobs/{id}/run'],
  listJobRuns: ['GET', '/api/v1/jobs/{id}/runs'],
  // access (pairing codes, approved users)
  checkAccess: ['POST', `${A}/check`],
  listPendingPairings: ['GET', `${A}/pending`],
  approvePairing: ['POST', `${A}/approve`],
  listApprovedUsers: ['GET', `${A}/users`],
  addApprovedUser: ['POST', `${A}/users`],
  revokeUser: ['DELETE', `${A}/users/{userId}`],
  // people (owner and members, their accounts and limits)
  listPeople: ['GET', '/api/v1/people'],
  getPerson: ['GET', '/api/v1/people/{id}'],
  updatePerson: ['PATCH', '/api/v1/people/{id}'],
  addIdentity: ['POST', '/api/v1/people/{id}/identities'],
  removeIdentity: ['DELETE', '/api/v1/people/{id}/identities'],
  // outside /api/v1: Prometheus, the OpenAI door, the docs
  metrics: ['GET', '/metrics'],
  chatCompletions: ['POST', '/v1/chat/completions'],
  openAiListModels: ['GET', '/v1/models'],
  openAiGetModel: ['GET', '/v1/models/{id}'],
  docsJson: ['GET', '/api/docs-json'],
  docsPage: ['GET', '/api/docs'],
  docsAsset: ['GET', '/api/docs/assets/{name}'],
} as const satisfies Record<string, readonly [HttpMethod, string]>;

export type RouteId = keyof typeof ROUTE_PATHS;

type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | ParamNames<Rest> : never;
/** The path parameters of a route, by name (`{ id: string; queuedId: string }`). */
export type RouteParams<Id extends RouteId> = { [K in ParamNames<(typeof ROUTE_PATHS)[Id][1]>]: string };

/** The names of a path's `{name}` parameters, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

/** A route's path with its parameters filled in, each percent-encoded. */
export function routePath<Id extends RouteId>(id: Id, params: RouteParams<Id>): string {
  const values = params as Record<string, string>;
  return ROUTE_PATHS[id][1].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`routePath(${id}): missing path parameter "${name}"`);
    return encodeURIComponent(value);
  });
}
