import type { EntityManager } from 'typeorm';
import { inTransaction } from '@switchboard/persistence';
import { MessageStore } from './message.store';
import { SessionConfigStore } from './session-config.store';
import { SessionStore, type SessionRecord } from './session.store';

/**
 * `/reset`, the one way: removes the session's history, its config (the overrides) and the
 * model of its last turn, and bumps its version, in one transaction (the manager's own, or a
 * new one). The session row, its queue and its usage records stay. SESSION_NOT_FOUND when the
 * session does not exist.
 */
export async function clearSession(manager: EntityManager, sessionId: string): Promise<SessionRecord> {
  return inTransaction(manager, async (m) => {
    const sessions = new SessionStore(m);
    await sessions.require(sessionId);
    await new MessageStore(m).clear(sessionId);
    await new SessionConfigStore(m).clear(sessionId);
    return sessions.update(sessionId, { lastModelConfigId: null });
  });
}
