import type { Message } from '@switchboard/protocol';

/**
 * Interleaves this tab's command exchanges (not stored by the API) with the stored history:
 * each goes after the last stored message created at or before it. Returns `stored` itself
 * when there is nothing to add, so the transcript keeps its identity.
 */
export function mergeTranscript(stored: readonly Message[], local: readonly Message[]): readonly Message[] {
  if (local.length === 0) return stored;
  const out: Message[] = [];
  let j = 0;
  const sortedLocal = local.slice().sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  for (const m of stored) {
    while (j < sortedLocal.length && sortedLocal[j].createdAt < m.createdAt) out.push(sortedLocal[j++]);
    out.push(m);
  }
  while (j < sortedLocal.length) out.push(sortedLocal[j++]);
  return out;
}

/** The local echo of a command the user typed, shown with the API's reply. */
export function commandEcho(sessionId: string, text: string, at: string): Message {
  return {
    id: `local-cmd-${at}-${Math.random().toString(36).slice(2, 8)}`,
    sessionId,
    seq: 0,
    turnId: null,
    role: 'user',
    kind: 'command',
    content: text,
    parts: [],
    status: 'complete',
    modelConfigId: null,
    modelSource: null,
    modelLabel: null,
    warnings: [],
    usage: null,
    event: null,
    createdAt: at,
  };
}
