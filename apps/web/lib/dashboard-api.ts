import type {
  CreateMemoryRequest,
  ListMemoriesQuery,
  Memory,
  MemoryDecision,
  MemorySettings,
  SwitchboardClient,
  UpdateMemoryRequest,
  UpdateMemorySettingsRequest,
} from '@switchboard/protocol';
import type { LiveSocket } from './live-updates';

/** The calls of the typed client the dashboard makes. */
export type ApiClient = Pick<
  SwitchboardClient,
  | 'listSessions'
  | 'updateSession'
  | 'bulkSessions'
  | 'search'
  | 'importArchive'
  | 'createSession'
  | 'getSession'
  | 'deleteSession'
  | 'listMessages'
  | 'sendMessage'
  | 'retryMessage'
  | 'editMessage'
  | 'listQueue'
  | 'promoteQueued'
  | 'deleteQueued'
  | 'uploadAttachment'
  | 'deleteAttachment'
  | 'attachmentContentUrl'
  | 'setSessionModel'
  | 'clearSessionModel'
  | 'resetSession'
  | 'abort'
  | 'getUsage'
  | 'getUsageReport'
  | 'listModels'
  | 'setDefaultModel'
  | 'listPeople'
  | 'getPerson'
  | 'updatePerson'
  | 'addIdentity'
  | 'removeIdentity'
  | 'listJobs'
  | 'createJob'
  | 'updateJob'
  | 'deleteJob'
  | 'runJob'
  | 'listJobRuns'
  | 'getProviderStatus'
  | 'getAssistantConfig'
  | 'listTools'
>;

/** The memory page's calls: the typed client's memory routes under short names (a fake in component tests). */
export interface MemoryApi {
  list(query: ListMemoriesQuery): Promise<{ memories: Memory[] }>;
  create(body: CreateMemoryRequest): Promise<MemoryDecision | Memory>;
  update(id: string, body: UpdateMemoryRequest): Promise<Memory>;
  remove(id: string): Promise<unknown>;
  settings(): Promise<MemorySettings>;
  updateSettings(body: UpdateMemorySettingsRequest): Promise<MemorySettings>;
}

/** Everything the dashboard reaches the API through: the typed client, memory helpers and the socket. */
export interface DashboardApi {
  client: ApiClient;
  memory: MemoryApi;
  connect(): Promise<LiveSocket>;
}
