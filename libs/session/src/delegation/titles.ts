import type { SessionRepository } from '../store/session-repository';
import type { SessionRecord } from '../store/session.store';
import type { EngineLogger } from '../engine/engine.types';
import { errorText } from '../engine/error-text';
import type { Delegator } from './delegator';

/** session_config key marking a title derived from the first line, to be replaced by a generated one. */
export const TITLE_PENDING_KEY = 'title_pending';

/** A provisional title: the message's first line, cut to 60 characters. */
export function deriveTitle(text: string): string {
  const line = text.trim().split(/\r?\n/)[0] ?? '';
  return line.length > 60 ? line.slice(0, 57).trimEnd() + '…' : line;
}

/** A model's title reply, cleaned (quotes, "Title:", final punctuation); null when nothing is left. */
export function cleanTitle(raw: string): string | null {
  const line = raw.trim().split(/\r?\n/)[0] ?? '';
  const t = line.replace(/^(title\s*:\s*)/i, '').replace(/^["'“”‘’*#\s]+|["'“”‘’*.\s]+$/g, '').trim();
  if (!t) return null;
  return t.length > 60 ? t.slice(0, 57).trimEnd() + '…' : t;
}

/**
 * After a session's first exchange, the classification role gives it a short title; the
 * pending mark goes either way. Calls `titled` with the updated session when a title is set.
 */
export async function generateTitle(
  deps: { repo: SessionRepository; delegator: Delegator },
  session: SessionRecord,
  userText: string,
  reply: string,
  log: EngineLogger,
  titled: (updated: SessionRecord) => void,
  personId: string | null = session.personId,
): Promise<void> {
  try {
    const r = await deps.delegator.run('classification', {
      sessionId: session.id,
      personId,
      system: 'Give this conversation a short title (2 to 6 words, no quotes, no final punctuation). Reply with the title only.',
      messages: [{ role: 'user', content: `User: ${userText.slice(0, 2000)}\nAssistant: ${reply.slice(0, 1000)}` }],
      maxOutputTokens: 24,
    });
    const title = r ? cleanTitle(r.text) : null;
    await deps.repo.config.delete(session.id, TITLE_PENDING_KEY);
    if (!title) return;
    const updated = await deps.repo.sessions.update(session.id, { title });
    log.debug({ title }, 'session titled');
    titled(updated);
  } catch (err) {
    log.warn({ err: errorText(err) }, 'title generation failed; keeping the first line as title');
  }
}
