/** Every TanStack Query key the dashboard uses, in one place. */
export const queryKeys = {
  sessions: ['sessions'] as const,
  sessionFetch: (id: string) => ['session-fetch', id] as const,
  sessionsArchived: ['sessions-archived'] as const,
  search: (q: string) => ['search', q] as const,
  messages: (id: string) => ['messages', id] as const,
  ephemeral: (id: string) => ['ephemeral', id] as const,
  queue: (id: string) => ['queue', id] as const,
  usage: (id: string) => ['usage', id] as const,
  usageAll: ['usage-all'] as const,
  usageReport: (filter: { personId?: string; channel?: string; from?: string; to?: string }) => ['usage-all', filter] as const,
  people: ['people'] as const,
  models: ['models'] as const,
  memories: (filter: object) => ['memories', filter] as const,
  memoriesAll: ['memories'] as const,
  memorySettings: ['memory-settings'] as const,
  jobs: ['jobs'] as const,
  /** Under `jobs`, so invalidating the jobs invalidates every job's runs too. */
  jobRuns: (jobId: string, limit: number, lastRunAt: string | null, lastStatus: string | null) => ['jobs', jobId, 'runs', limit, lastRunAt, lastStatus] as const,
  providerStatus: ['provider-status'] as const,
  assistantConfig: ['assistant-config'] as const,
  tools: ['tools'] as const,
};
