'use client';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { storeSessions } from '../../lib/queries';

/** A random id (crypto.randomUUID needs a secure context; plain-HTTP LAN access has none). */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Creates a web conversation and opens it. */
export function useStartConversation() {
  const api = useApi();
  const qc = useQueryClient();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await api.client.createSession({ channel: 'web', peerId: `web-${randomId()}` });
      storeSessions(qc, [s]);
      router.push(`/chat/${s.id}`);
    } catch (err) {
      setError(apiErrorOf(err).message);
    } finally {
      setBusy(false);
    }
  };
  return { start, busy, error };
}
