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
  | 'createSession'
  | 'getSession'
  | 'listMessages'
  | 'sendMessage'
  | 'listQueue'
  | 'promoteQueued'
  | 'deleteQueued'
  | 'setSessionModel'
  | 'clearSessionModel'
  | 'resetSession'
  | 'abort'
  | 'getUsage'
  | 'getUsageReport'
  | 'listModels'
  | 'setDefaultModel'
>;

/** Memory routes (libs/protocol/src/memory.ts), which the typed client has no helpers for yet. */
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
