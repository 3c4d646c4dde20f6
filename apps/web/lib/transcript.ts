import type { Message } from '@switchboard/protocol';
import { classifyTurnError, TURN_ERROR_KINDS, type TurnErrorKind } from '@switchboard/session';

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

/** One row of the transcript: a message (a failed reply carries its error event), or a run of archived messages. */
export type TranscriptItem =
  | { type: 'message'; message: Message; error: Message | null }
  | { type: 'archive'; key: string; messages: Message[]; reason: 'retry' | 'edit' | null };

function archiveReason(m: Message): 'retry' | 'edit' | null {
  const reason = (m.event?.archived as { reason?: unknown } | undefined)?.reason;
  return reason === 'retry' || reason === 'edit' ? reason : null;
}

/** Pairs each reply with its turn's `turn_error` event (shown inside the reply); the paired events leave the list. */
function pairErrors(messages: readonly Message[]): Array<{ message: Message; error: Message | null }> {
  const replyTurns = new Set<string>();
  for (const m of messages) if (m.role === 'assistant' && m.kind === 'text' && m.turnId) replyTurns.add(m.turnId);
  const errors = new Map<string, Message>();
  for (const m of messages) if (m.kind === 'turn_error' && m.turnId && replyTurns.has(m.turnId)) errors.set(m.turnId, m);
  const out: Array<{ message: Message; error: Message | null }> = [];
  for (const m of messages) {
    if (m.kind === 'turn_error' && m.turnId && errors.get(m.turnId) === m) continue;
    out.push({ message: m, error: m.role === 'assistant' && m.turnId ? errors.get(m.turnId) ?? null : null });
  }
  return out;
}

/**
 * Groups the transcript for display: each run of `superseded` messages (an earlier attempt kept
 * by a retry, or the turns an edit replaced) becomes one collapsed archive row, and a turn's
 * `turn_error` event is shown inside its failed reply instead of as a separate raw line.
 */
export function transcriptItems(messages: readonly Message[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  const runs: Message[][] = [];
  const live: Message[] = [];
  // Archived and live messages are paired separately: a retry's new turn never takes the old error.
  for (const m of messages) {
    if (m.status === 'superseded') {
      const last = items.at(-1);
      if (last?.type === 'archive' && last.reason === archiveReason(m)) {
        last.messages.push(m);
      } else {
        const run: Message[] = [m];
        runs.push(run);
        items.push({ type: 'archive', key: `archive-${m.id}`, messages: run, reason: archiveReason(m) });
      }
    } else {
      live.push(m);
      items.push({ type: 'message', message: m, error: null });
    }
  }
  const paired = new Map(pairErrors(live).map((p) => [p.message.id, p.error]));
  return items.flatMap((item): TranscriptItem[] => {
    if (item.type === 'archive') return [item];
    if (!paired.has(item.message.id)) return [];
    return [{ ...item, error: paired.get(item.message.id) ?? null }];
  });
}

/** An archived run as rows: each reply with its error event, like the live transcript. */
export function archivedRows(messages: readonly Message[]): Array<{ message: Message; error: Message | null }> {
  return pairErrors(messages);
}

/** The status a message had before it was archived (what its archived copy shows). */
export function shownStatus(m: Message): Message['status'] {
  if (m.status !== 'superseded') return m.status;
  const previous = (m.event?.archived as { previousStatus?: unknown } | undefined)?.previousStatus;
  return previous === 'complete' || previous === 'interrupted' || previous === 'error' ? previous : 'complete';
}

/** What a failed reply's error event says, in words: the stored kind, or one read from older events' text. */
export function turnErrorOf(error: Message | null): { kind: TurnErrorKind; detail: string | null } | null {
  if (!error) return null;
  const ev = error.event as { errorKind?: unknown; error?: unknown; status?: unknown } | null;
  const detail = typeof ev?.error === 'string' ? ev.error : error.content;
  const kind = typeof ev?.errorKind === 'string' && (TURN_ERROR_KINDS as readonly string[]).includes(ev.errorKind)
    ? (ev.errorKind as TurnErrorKind)
    : classifyTurnError(detail, typeof ev?.status === 'number' ? ev.status : undefined);
  return { kind, detail };
}

/** The Markdown a message is copied as: a reply's own Markdown, a user message's text. */
export function messageMarkdown(m: Message): string {
  return m.content;
}
