'use client';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { Message, ModelsResponse, PeopleResponse, Session, SessionUsage } from '@switchboard/protocol';
import { useApi } from './api-context';
import {
  findSession,
  mergeQueueEvent,
  mergeSessionSnapshot,
  prependEarlier,
  reconcileMessages,
  type MessagesCache,
  type QueueCache,
  type SessionListCache,
} from './cache-merge';
import type { DashboardApi } from './dashboard-api';
import { queryKeys } from './query-keys';
import { streamStore } from './stream-store';

/** How many conversations the list loads (newest activity first). */
export const SESSION_LIST_LIMIT = 200;

/** Loads the conversation list and merges it into the cache (events may be newer than the read). */
export async function fetchSessionList(api: DashboardApi, qc: QueryClient): Promise<SessionListCache> {
  const { sessions } = await api.client.listSessions({ limit: SESSION_LIST_LIMIT });
  return mergeSessionSnapshot(qc.getQueryData<SessionListCache>(queryKeys.sessions), sessions);
}

/** Puts sessions the API returned (after a mutation) into the list cache, by version. */
export function storeSessions(qc: QueryClient, sessions: Session[]): void {
  const before = qc.getQueryData<SessionListCache>(queryKeys.sessions);
  const after = mergeSessionSnapshot(before, sessions);
  if (after !== before) qc.setQueryData(queryKeys.sessions, after);
}

export function useSessionList() {
  const api = useApi();
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.sessions,
    queryFn: () => fetchSessionList(api, qc),
    structuralSharing: false,
  });
}

/** One conversation, read from the list cache; fetched alone when the list does not have it. */
export function useSession(sessionId: string): { session: Session | undefined; error: unknown; loading: boolean } {
  const api = useApi();
  const qc = useQueryClient();
  const list = useSessionList();
  const session = findSession(list.data, sessionId);
  const single = useQuery({
    queryKey: queryKeys.sessionFetch(sessionId),
    queryFn: async () => {
      const s = await api.client.getSession(sessionId);
      storeSessions(qc, [s]);
      return s.version;
    },
    enabled: list.isFetched && !session,
    retry: false,
  });
  return { session, error: session ? null : single.error, loading: !session && (list.isPending || single.isFetching) };
}

/** Messages per history read: the latest page on open, then earlier pages on demand. */
export const HISTORY_PAGE = 200;

export function useMessages(sessionId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.messages(sessionId),
    queryFn: async () => {
      const startedAt = Date.now();
      const { messages } = await api.client.listMessages(sessionId, { limit: HISTORY_PAGE });
      const merged = reconcileMessages(qc.getQueryData<MessagesCache>(queryKeys.messages(sessionId)), messages, startedAt, {
        complete: messages.length < HISTORY_PAGE,
      });
      for (const m of merged.messages) if (m.status === 'streaming') streamStore.seed(m.id, m.content);
      return merged;
    },
    structuralSharing: false,
  });
}

/** Loads the page of history before the earliest message in the cache. */
export function useLoadEarlier(sessionId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const first = qc.getQueryData<MessagesCache>(queryKeys.messages(sessionId))?.messages[0];
      if (!first || first.seq <= 1) return;
      const { messages } = await api.client.listMessages(sessionId, { beforeSeq: first.seq, limit: HISTORY_PAGE });
      qc.setQueryData<MessagesCache>(queryKeys.messages(sessionId), (cache) => prependEarlier(cache, messages));
    },
  });
}

/** Command exchanges (`/model`, `/help`...) shown in this tab only: the API does not store them. */
export function useEphemeral(sessionId: string): Message[] {
  const { data } = useQuery({
    queryKey: queryKeys.ephemeral(sessionId),
    queryFn: () => [] as Message[],
    initialData: [] as Message[],
    staleTime: Infinity,
    gcTime: Infinity,
    structuralSharing: false,
  });
  return data;
}

export function useQueue(sessionId: string) {
  const api = useApi();
  const qc = useQueryClient();
  return useQuery({
    queryKey: queryKeys.queue(sessionId),
    queryFn: async (): Promise<QueueCache> => {
      // The queue read carries no version: label it with the session version read just before,
      // so any event newer than that still wins.
      const session = await api.client.getSession(sessionId);
      storeSessions(qc, [session]);
      const { queue } = await api.client.listQueue(sessionId);
      return mergeQueueEvent(qc.getQueryData<QueueCache>(queryKeys.queue(sessionId)), { sessionId, version: session.version, queue });
    },
    structuralSharing: false,
  });
}

export function useModels() {
  const api = useApi();
  return useQuery<ModelsResponse>({ queryKey: queryKeys.models, queryFn: () => api.client.listModels(), staleTime: 60_000 });
}

export function useUsage(sessionId: string, enabled = true) {
  const api = useApi();
  return useQuery<SessionUsage>({ queryKey: queryKeys.usage(sessionId), queryFn: () => api.client.getUsage(sessionId), enabled });
}

/** People (the owner first), with their accounts, limits and usage today. */
export function usePeople(options: { refetchInterval?: number } = {}) {
  const api = useApi();
  return useQuery<PeopleResponse>({ queryKey: queryKeys.people, queryFn: () => api.client.listPeople(), staleTime: 15_000, ...options });
}
