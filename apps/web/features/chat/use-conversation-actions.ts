'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import type { BulkSessionAction, Session } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { mergeSessionEvent, type SessionListCache } from '../../lib/cache-merge';
import { storeSessions } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';

/** Rename, pin, archive and delete conversations (one or many), keeping the list caches in step. */
export function useConversationActions(activeId: string | null = null) {
  const api = useApi();
  const qc = useQueryClient();
  const router = useRouter();

  const forget = useCallback(
    (gone: Session) => {
      qc.setQueryData<SessionListCache>(queryKeys.sessions, (c) => mergeSessionEvent(c, { kind: 'deleted', session: gone, version: gone.version }));
    },
    [qc],
  );
  const refreshArchived = useCallback(() => qc.invalidateQueries({ queryKey: queryKeys.sessionsArchived }), [qc]);

  const update = useCallback(
    async (id: string, body: { title?: string; archived?: boolean; pinned?: boolean }) => {
      const s = await api.client.updateSession(id, body);
      storeSessions(qc, [s]);
      if (body.archived !== undefined) void refreshArchived();
      return s;
    },
    [api, qc, refreshArchived],
  );

  const bulk = useCallback(
    async (action: BulkSessionAction, ids: string[]) => {
      const { results } = await api.client.bulkSessions(action, ids);
      const done = results.flatMap((r) => (r.ok && r.session ? [r.session] : []));
      if (action === 'delete') done.forEach(forget);
      else storeSessions(qc, done);
      void refreshArchived();
      if (action !== 'unarchive' && activeId && done.some((s) => s.id === activeId)) router.push('/chat');
      return results;
    },
    [api, qc, forget, refreshArchived, activeId, router],
  );

  return useMemo(
    () => ({
      rename: (id: string, title: string) => update(id, { title }),
      setPinned: (id: string, pinned: boolean) => update(id, { pinned }),
      setArchived: async (id: string, archived: boolean) => {
        const s = await update(id, { archived });
        if (archived && id === activeId) router.push('/chat');
        return s;
      },
      remove: (id: string) => bulk('delete', [id]),
      bulk,
    }),
    [update, bulk, activeId, router],
  );
}

/** Pinned conversations first, each group in the order given (newest activity first). */
export function pinnedFirst(sessions: readonly Session[]): Session[] {
  return [...sessions.filter((s) => s.pinned), ...sessions.filter((s) => !s.pinned)];
}
