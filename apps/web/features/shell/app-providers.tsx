'use client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { createDashboardApi } from '../../lib/api';
import { ApiProvider } from '../../lib/api-context';
import { apiErrorOf, isConnectivityError, isUnauthorized } from '../../lib/api-errors';
import { applyServerEvent } from '../../lib/apply-event';
import { authClient } from '../../lib/auth-client';
import { ConnectivityStore } from '../../lib/connectivity';
import { LiveUpdates, type LiveStatus } from '../../lib/live-updates';
import { streamStore } from '../../lib/stream-store';

interface Runtime {
  live: LiveUpdates;
  connectivity: ConnectivityStore;
  /** Re-checks the dashboard server and the API, and resyncs everything when they are back. */
  recheck(): Promise<void>;
}

const RuntimeContext = createContext<Runtime | null>(null);

export function useRuntime(): Runtime {
  const r = useContext(RuntimeContext);
  if (!r) throw new Error('useRuntime() outside <AppProviders>');
  return r;
}

export function useLiveStatus(): LiveStatus {
  const { live } = useRuntime();
  return useSyncExternalStore(
    (l) => live.subscribeStatus(l),
    () => live.getStatus(),
    () => 'idle',
  );
}

function goToSignIn(): void {
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/signin?next=${encodeURIComponent(here)}`);
}

function createRuntime() {
  const api = createDashboardApi(typeof window === 'undefined' ? 'http://localhost' : window.location.origin);
  const connectivity = new ConnectivityStore();
  let checking: Promise<void> | null = null;

  const recheck = (): Promise<void> => {
    checking ??= authClient
      .status()
      .then((status) => {
        if (!status.signedIn) return goToSignIn();
        if (!status.api.reachable) return connectivity.set({ state: 'api-unreachable', apiUrl: status.api.url });
        const wasDown = connectivity.get().state !== 'ok';
        connectivity.set({ state: 'ok' });
        if (wasDown) {
          void qc.invalidateQueries();
          live.retryNow();
        }
      })
      .catch(() => connectivity.set({ state: 'server-unreachable' }))
      .finally(() => {
        checking = null;
      });
    return checking;
  };

  const onError = (err: unknown) => {
    if (isUnauthorized(err) && apiErrorOf(err).code === 'UNAUTHORIZED') return goToSignIn();
    if (isConnectivityError(err)) void recheck();
  };

  const qc = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: (count, err) => {
          const { status } = apiErrorOf(err);
          return status !== 401 && !(status >= 400 && status < 500) && !isConnectivityError(err) && count < 2;
        },
      },
      mutations: { retry: false },
    },
  });

  const live = new LiveUpdates({
    connect: () => api.connect(),
    onEvent: (event) => applyServerEvent(qc, streamStore, event),
    onResync: ({ subscribedAt }) => {
      connectivity.set({ state: 'ok' });
      // Anything read before this subscription may have missed events: read it again.
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'ephemeral' && q.state.dataUpdatedAt < subscribedAt });
    },
    onConnectError: (attempt) => {
      if (attempt >= 1) void recheck();
    },
  });

  return { api, qc, runtime: { live, connectivity, recheck } satisfies Runtime };
}

/** Query cache, API, the live WebSocket subscription and connectivity for the signed-in app. */
export function AppProviders({ children }: { children: ReactNode }) {
  const [{ api, qc, runtime }] = useState(createRuntime);

  useEffect(() => {
    const { live } = runtime;
    live.start();
    const wake = () => live.retryNow();
    const onVisible = () => document.visibilityState === 'visible' && live.retryNow();
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', wake);
      document.removeEventListener('visibilitychange', onVisible);
      live.stop();
    };
  }, [runtime]);

  return (
    <QueryClientProvider client={qc}>
      <ApiProvider value={api}>
        <RuntimeContext.Provider value={runtime}>{children}</RuntimeContext.Provider>
      </ApiProvider>
    </QueryClientProvider>
  );
}
