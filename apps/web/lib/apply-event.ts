import type { QueryClient } from '@tanstack/react-query';
import type { Message, ModelsResponse, ServerEvent } from '@switchboard/protocol';
import {
  mergeMessageEvent,
  mergeQueueEvent,
  mergeSessionEvent,
  startStreamingMessage,
  type MessagesCache,
  type QueueCache,
  type SessionListCache,
} from './cache-merge';
import { queryKeys } from './query-keys';
import { reasoningKey, type StreamStore } from './stream-store';

function upsertMessage(qc: QueryClient, sessionId: string, message: Message, now: number): void {
  const key = queryKeys.messages(sessionId);
  if (qc.getQueryData(key) === undefined) return;
  qc.setQueryData<MessagesCache | undefined>(key, (c) => mergeMessageEvent(c, message, now));
}

/**
 * Applies one pushed event to the caches. Deltas go to the stream store only, so the
 * transcript is not touched while a reply streams.
 */
export function applyServerEvent(qc: QueryClient, streams: StreamStore, event: ServerEvent, now: number = Date.now()): void {
  switch (event.event) {
    case 'message.delta':
      streams.append(event.payload.messageId, event.payload.delta);
      return;
    case 'message.reasoning':
      streams.append(reasoningKey(event.payload.messageId), event.payload.delta);
      return;
    case 'tool.started':
      streams.toolStarted(event.payload);
      return;
    case 'tool.finished':
      streams.toolFinished(event.payload);
      return;
    case 'turn.started': {
      const key = queryKeys.messages(event.payload.sessionId);
      if (qc.getQueryData(key) !== undefined) qc.setQueryData<MessagesCache | undefined>(key, (c) => startStreamingMessage(c, event.payload, now));
      return;
    }
    case 'message.completed': {
      const { sessionId, message } = event.payload;
      upsertMessage(qc, sessionId, message, now);
      streams.finish(message.id);
      streams.finish(reasoningKey(message.id));
      if (message.turnId) streams.finishTools(message.turnId);
      void qc.invalidateQueries({ queryKey: queryKeys.usage(sessionId) });
      return;
    }
    case 'message.created': {
      const { sessionId, message } = event.payload;
      upsertMessage(qc, sessionId, message, now);
      if (message.kind === 'memory_saved') void qc.invalidateQueries({ queryKey: queryKeys.memoriesAll });
      return;
    }
    case 'engine.switched':
      upsertMessage(qc, event.payload.sessionId, event.payload.message, now);
      return;
    case 'session.updated': {
      const before = qc.getQueryData<SessionListCache>(queryKeys.sessions);
      const after = mergeSessionEvent(before, event.payload);
      if (after !== before) qc.setQueryData(queryKeys.sessions, after);
      if (event.payload.kind === 'history_change' && after !== before) {
        const id = event.payload.session.id;
        qc.setQueryData(queryKeys.ephemeral(id), []);
        void qc.invalidateQueries({ queryKey: queryKeys.messages(id) });
        void qc.invalidateQueries({ queryKey: queryKeys.usage(id) });
      }
      return;
    }
    case 'queue.updated': {
      const key = queryKeys.queue(event.payload.sessionId);
      const before = qc.getQueryData<QueueCache>(key);
      const after = mergeQueueEvent(before, event.payload);
      if (after !== before) qc.setQueryData(key, after);
      return;
    }
    case 'settings.updated': {
      // The global default changed: conversations that follow it now show another model.
      const models = qc.getQueryData<ModelsResponse>(queryKeys.models);
      if (models) qc.setQueryData<ModelsResponse>(queryKeys.models, { ...models, defaultModel: event.payload.defaultModel });
      void qc.invalidateQueries({ queryKey: queryKeys.sessions });
      return;
    }
    default:
      // Events this dashboard does not show (newer additions) are ignored.
      return;
  }
}
