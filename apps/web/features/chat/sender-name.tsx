'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Message, PeopleResponse } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { findSession, type SessionListCache } from '../../lib/cache-merge';
import { fetchSessionList } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';

/** Who sent a user message in a group conversation (nothing in a private one, where it is always the same person). */
export function SenderName({ message }: { message: Message }) {
  // Only a user message with a known author can name one: nothing else reads the API.
  const personId = message.role === 'user' ? (message.personId ?? null) : null;
  return personId ? <GroupSenderName message={message} personId={personId} /> : null;
}

function GroupSenderName({ message, personId }: { message: Message; personId: string }) {
  const api = useApi();
  const qc = useQueryClient();
  // Selected narrowly: a message re-renders only when its conversation becomes (or stops being) a group.
  const { data: group } = useQuery({
    queryKey: queryKeys.sessions,
    queryFn: () => fetchSessionList(api, qc),
    select: (c: SessionListCache) => findSession(c, message.sessionId)?.group ?? null,
    structuralSharing: false,
  });
  const { data: name } = useQuery({
    queryKey: queryKeys.people,
    queryFn: () => api.client.listPeople(),
    select: (r: PeopleResponse) => r.people.find((p) => p.id === personId)?.displayName ?? null,
    staleTime: 15_000,
    enabled: Boolean(group),
  });
  if (!group) return null;
  return (
    <span className="msg__sender" data-testid="sender-name">
      {name ?? 'Member'}
    </span>
  );
}
