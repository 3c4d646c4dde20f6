'use client';
import Link from 'next/link';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Message } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { mergeMessageEvent, type MessagesCache } from '../../lib/cache-merge';
import { sessionTitle } from '../../lib/format';
import { storeSessions, useEphemeral, useLoadEarlier, useMessages, useModels, useQueue, useSession } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { commandEcho, mergeTranscript } from '../../lib/transcript';
import { AlertIcon, SparkIcon } from '../shell/icons';
import { attachmentRefusalOf, AttachmentRefusalLine, DropOverlay, useAttachmentDraft, useFileDrop, type AttachmentRefusal } from './attachments';
import { Composer, type ComposerHandle } from './composer';
import { usePreloadMarkdown } from './markdown';
import { ConversationHeader } from './conversation-header';
import { QueuePanel } from './queue-panel';
import { Transcript } from './transcript';
import { useComposerNotices } from './limit-notice';
import { useEscapeToStop } from './help-overlay';
import { MessageActionsContext, type MessageActions } from './message-actions';

const EMPTY: Message[] = [];

function EmptyConversation() {
  return (
    <div className="empty-chat">
      <SparkIcon size={28} />
      <h2>Start the conversation</h2>
      <p className="muted">
        Type a message below. Pick a model for this conversation from the menu above, or type <code>/model</code>.
      </p>
    </div>
  );
}

/** One conversation: header with the model picker, the transcript, the queue and the composer. */
export function ConversationView({ sessionId }: { sessionId: string }) {
  usePreloadMarkdown();
  const api = useApi();
  const qc = useQueryClient();
  const { session, error: sessionError, loading } = useSession(sessionId);
  const messagesQuery = useMessages(sessionId);
  const queueQuery = useQueue(sessionId);
  const models = useModels();
  const ephemeral = useEphemeral(sessionId);
  const composer = useRef<ComposerHandle>(null);
  // A refusal (a person's limit in words, or the API's message) is said on the composer.
  const { setNotice, clear, report, notices } = useComposerNotices();
  // Files for the next message, and a refusal of the model to read them (with models that can).
  const draft = useAttachmentDraft(sessionId);
  const [refusal, setRefusal] = useState<AttachmentRefusal | null>(null);
  const drop = useFileDrop(draft.add);

  const loadEarlier = useLoadEarlier(sessionId);
  const stored = messagesQuery.data?.messages ?? EMPTY;
  // Seq numbers start at 1 and have no gaps: a first message after 1 means older history.
  const earlier = (stored[0]?.seq ?? 1) > 1 ? { load: () => loadEarlier.mutateAsync(), loading: loadEarlier.isPending, failed: loadEarlier.isError } : null;
  const transcript = useMemo(() => mergeTranscript(stored, ephemeral), [stored, ephemeral]);
  const streamingNow = stored.some((m) => m.status === 'streaming');
  const running = session?.status === 'running' || streamingNow;
  const queue = queueQuery.data?.queue ?? [];

  // The composer takes focus when a conversation opens (once it is on screen).
  const shown = Boolean(session);
  useEffect(() => {
    if (shown) composer.current?.focus();
  }, [sessionId, shown]);

  const labelOf = useCallback(
    (id: string) => models.data?.models.find((m) => m.id === id)?.label ?? id,
    [models.data],
  );

  const send = async (text: string) => {
    clear();
    setRefusal(null);
    try {
      const attachmentIds = draft.readyIds();
      const res = await api.client.sendMessage(sessionId, { text, ...(attachmentIds.length ? { attachmentIds } : {}) });
      // The files went with the message (or the command that sent it): their chips go.
      if (attachmentIds.length) draft.sent();
      if (res.command) {
        // `/model quick some text` also sent a message: the command goes just before it.
        const at = res.message ? new Date(Date.parse(res.message.createdAt) - 1).toISOString() : res.reply?.createdAt ?? new Date().toISOString();
        const added = [commandEcho(sessionId, text.trim(), at), ...(res.reply && res.reply.kind === 'command_reply' ? [res.reply] : [])];
        if (res.message) {
          const m = res.message;
          qc.setQueryData<MessagesCache | undefined>(queryKeys.messages(sessionId), (c) => mergeMessageEvent(c, m, Date.now()));
        }
        qc.setQueryData<Message[]>(queryKeys.ephemeral(sessionId), (prev) => [...(prev ?? []), ...added]);
        // A command may have changed the model, reset the history or stopped the reply.
        storeSessions(qc, [await api.client.getSession(sessionId)]);
        if (res.command.name === 'reset') {
          qc.setQueryData<Message[]>(queryKeys.ephemeral(sessionId), added);
          void qc.invalidateQueries({ queryKey: queryKeys.messages(sessionId) });
        }
        return;
      }
      if (res.message) {
        const m = res.message;
        qc.setQueryData<MessagesCache | undefined>(queryKeys.messages(sessionId), (c) => mergeMessageEvent(c, m, Date.now()));
      }
      if (res.queued) void qc.invalidateQueries({ queryKey: queryKeys.queue(sessionId) });
    } catch (err) {
      // A model that cannot read the files: say so with the models that can; the files stay for the next try.
      const refused = attachmentRefusalOf(err);
      if (refused) setRefusal(refused);
      else report(err);
      // Rethrown: the composer keeps the text the user typed.
      throw err;
    }
  };

  const stop = () => {
    api.client.abort(sessionId).catch((err) => setNotice(apiErrorOf(err).message));
  };

  // Retry / regenerate / edit: the API archives the earlier attempt and pushes a history change;
  // the new turn streams in like any other. Refusals are said where the composer says them.
  const rerun = async (call: () => Promise<unknown>) => {
    clear();
    try {
      await call();
      void qc.invalidateQueries({ queryKey: queryKeys.messages(sessionId) });
    } catch (err) {
      report(err);
      throw err;
    }
  };
  const modelChoices = models.data?.models;
  const actions = useMemo<MessageActions>(
    () => ({
      retry: (messageId, model) => rerun(() => api.client.retryMessage(sessionId, messageId, model ? { model } : {})).catch(() => undefined),
      edit: (messageId, text) => rerun(() => api.client.editMessage(sessionId, messageId, { text })),
      busy: running,
      models: (modelChoices ?? []).filter((m) => m.enabled !== false).map((m) => ({ id: m.id, label: m.label })),
    }),
    [api, sessionId, running, modelChoices],
  );

  useEscapeToStop(running, stop);

  const changeModel = async (modelId: string | null) => {
    const s = modelId ? await api.client.setSessionModel(sessionId, modelId) : await api.client.clearSessionModel(sessionId);
    storeSessions(qc, [s]);
  };

  // The answers of promote/delete carry no version: let the pushed queue.updated (or a versioned
  // re-read) update the cache rather than risk putting an older queue over a newer one.
  const refreshQueue = () => qc.invalidateQueries({ queryKey: queryKeys.queue(sessionId) });
  const promote = async (id: string, interrupt: boolean) => {
    await api.client.promoteQueued(sessionId, id, { interrupt });
    void refreshQueue();
  };
  const remove = async (id: string) => {
    await api.client.deleteQueued(sessionId, id);
    void refreshQueue();
  };

  if (!session) {
    const notFound = sessionError && apiErrorOf(sessionError).status === 404;
    return (
      <section className="conversation conversation--missing" aria-busy={loading}>
        {loading ? (
          <div className="skeleton-list" role="status" aria-label="Loading conversation">
            <div className="skeleton" />
            <div className="skeleton skeleton--short" />
          </div>
        ) : (
          <div className="empty-chat">
            <h2>{notFound ? 'Conversation not found' : 'Could not load this conversation'}</h2>
            <p className="muted">{notFound ? 'It may have been deleted.' : apiErrorOf(sessionError).message}</p>
            <Link className="btn" href="/chat">
              Back to conversations
            </Link>
          </div>
        )}
      </section>
    );
  }

  return (
    <section className={`conversation${drop.over ? ' conversation--drop' : ''}`} aria-label={sessionTitle(session)} {...drop.handlers}>
      {drop.over ? <DropOverlay /> : null}
      <ConversationHeader session={session} running={running} models={models.data} onChangeModel={changeModel} />
      {models.data?.offlineOnly ? (
        <div className="banner banner--slim" role="status">
          <AlertIcon size={15} /> Only the offline demo model is configured, so replies are placeholders.{' '}
          <Link href="/settings">How to add a provider</Link>
        </div>
      ) : null}
      <MessageActionsContext.Provider value={actions}>
      <Transcript messages={transcript} streaming={streamingNow} earlier={earlier} empty={messagesQuery.isPending ? <div className="skeleton-list"><div className="skeleton" /><div className="skeleton skeleton--short" /></div> : <EmptyConversation />} />
      </MessageActionsContext.Provider>
      <div className="conversation__foot">
        <QueuePanel queue={queue} labelOf={labelOf} running={running} onPromote={promote} onDelete={remove} />
        {notices}
        {refusal ? (
          <AttachmentRefusalLine
            refusal={refusal}
            onDismiss={() => setRefusal(null)}
            onPick={(id) => {
              setRefusal(null);
              changeModel(id)
                .then(() => composer.current?.focus())
                .catch((err: unknown) => setNotice(apiErrorOf(err).message));
            }}
          />
        ) : null}
        <Composer ref={composer} onSend={send} onStop={stop} running={running} draft={draft} />
      </div>
    </section>
  );
}
