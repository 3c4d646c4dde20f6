'use client';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { SearchResponse } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { queryKeys } from '../../lib/query-keys';

/** Shortest query sent to the API (one letter matches half the history). */
export const MIN_SEARCH_CHARS = 2;
const DEBOUNCE_MS = 250;

/** The value, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms = DEBOUNCE_MS): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Full-text search over message text (debounced), a page at a time. */
export function useMessageSearch(query: string) {
  const api = useApi();
  const q = useDebounced(query.trim().length >= MIN_SEARCH_CHARS ? query : '');
  const result = useInfiniteQuery({
    queryKey: queryKeys.search(q),
    queryFn: ({ pageParam }) => api.client.search({ q, limit: 20, ...(pageParam ? { before: pageParam } : {}) }),
    initialPageParam: '' as string,
    getNextPageParam: (last: SearchResponse) => last.nextCursor ?? undefined,
    enabled: q.trim().length >= MIN_SEARCH_CHARS,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  const settling = query.trim().length >= MIN_SEARCH_CHARS && q !== query;
  return { ...result, active: query.trim().length >= MIN_SEARCH_CHARS, settling, results: result.data?.pages.flatMap((p) => p.results) ?? [] };
}
