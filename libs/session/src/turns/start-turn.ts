import { MODEL_SOURCE_LABELS, type Message, type MessageAttachment } from '@switchboard/protocol';
import type { ModelCatalog, ModelResolution, TurnSpeaker } from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import type { SessionRecord } from '../store/session.store';
import { TITLE_PENDING_KEY, deriveTitle } from '../delegation/titles';
import type { ModelChoice } from '../sessions/model-choice';
import type { StartedTurn } from './running-turn';
import type { TurnLeaseKeeper } from './turn-leases';

/**
 * The single entry point of every turn, inside the claim transaction: engine drift is
 * checked here before anything else runs, then the user (with its attachments) and assistant
 * messages are stored.
 */
export async function startTurn(
  deps: { catalog: ModelCatalog; choice: ModelChoice },
  tx: SessionRepository,
  session: SessionRecord,
  turnId: string,
  text: string,
  resolution: ModelResolution,
  speaker: TurnSpeaker | null,
  leases?: TurnLeaseKeeper,
  files: { attachments: MessageAttachment[]; bind: boolean } = { attachments: [], bind: false },
): Promise<StartedTurn> {
  // With several replicas the turn is this one's until its lease lapses.
  if (leases) await tx.leases.take(leases.leaseFor(session.id, turnId));
  let switchMessage: Message | null = null;
  let switchEvent: StartedTurn['switchEvent'] = null;
  const previous = session.lastModelConfigId;
  if (previous && previous !== resolution.modelConfigId) {
    const from = deps.choice.engineRef(previous);
    const to = deps.choice.engineRef(resolution.modelConfigId);
    if (from.provider !== to.provider || from.model !== to.model) {
      const reason = MODEL_SOURCE_LABELS[resolution.source];
      switchEvent = { from, to, reason };
      switchMessage = await tx.messages.append({
        sessionId: session.id,
        turnId,
        role: 'system',
        kind: 'engine_switch',
        content: `Switched from ${from.label} to ${to.label} (${reason}).`,
        event: { from, to, reason, warnings: resolution.warnings },
      });
    }
  }
  const userMessage = await tx.messages.append({
    sessionId: session.id,
    turnId,
    role: 'user',
    kind: 'text',
    content: text,
    personId: speaker?.personId ?? null,
    ...(files.attachments.length ? { attachments: files.attachments } : {}),
  });
  // Newly sent (or queued) files now belong to the message, and go when it goes. A retry's or an
  // edit's files stay bound to the message that first sent them (kept, archived).
  if (files.bind) await tx.attachments.bindQueued(files.attachments.map((a) => a.id), userMessage.id);
  const label = deps.catalog.label(resolution.modelConfigId);
  const assistantMessage = await tx.messages.append({
    sessionId: session.id,
    turnId,
    role: 'assistant',
    kind: 'text',
    content: '',
    status: 'streaming',
    modelConfigId: resolution.modelConfigId,
    modelSource: resolution.source,
    modelLabel: label,
    warnings: resolution.warnings,
  });
  const patch: Parameters<SessionRepository['sessions']['update']>[1] = {
    lastModelConfigId: resolution.modelConfigId,
    lastActivityAt: new Date().toISOString(),
  };
  let titlePending = (await tx.config.get(session.id, TITLE_PENDING_KEY)) !== null;
  if (!session.title) {
    // A message of files alone is named after them until a title is generated.
    patch.title = deriveTitle(text.trim() ? text : files.attachments.map((a) => a.name).join(', '));
    await tx.config.set(session.id, TITLE_PENDING_KEY, '1');
    titlePending = true;
  }
  const updated = await tx.sessions.update(session.id, patch);
  return { session: updated, turnId, userMessage, assistantMessage, resolution, switchMessage, switchEvent, titlePending, speaker };
}
