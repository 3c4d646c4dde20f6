'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { ModelsResponse, Session } from '@switchboard/protocol';
import { apiErrorOf } from '../../lib/api-errors';
import { sessionTitle } from '../../lib/format';
import { OWNER_PERSON_ID } from '../../lib/people';
import { ChevronLeftIcon, PeopleIcon, PersonIcon } from '../shell/icons';
import { ChannelBadge } from './channel-badge';
import { ActionMenu } from './conversation-row-menu';
import { InlineTitle } from './inline-title';
import { ModelPicker } from './model-picker';
import { useConversationActions } from './use-conversation-actions';

/** The download address of a conversation export (the dashboard server adds the token). */
export function exportHref(sessionId: string, format: 'markdown' | 'json'): string {
  return `/api/v1/sessions/${encodeURIComponent(sessionId)}/export?format=${format}`;
}

/** The browser tab names the open conversation. */
function useTabTitle(title: string): void {
  useEffect(() => {
    const before = document.title;
    document.title = `${title} · Switchboard`;
    return () => {
      document.title = before;
    };
  }, [title]);
}

/**
 * Opened from a search hit (`?m=<messageId>`): scrolls to that message once it is on screen and
 * marks it. A match older than the loaded history is reached by loading earlier pages (the
 * transcript's own "Show earlier messages"), a few at most.
 */
function useScrollToMessage(sessionId: string): void {
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('m');
    if (!id) return;
    let tries = 0;
    let seen = 0;
    let pages = 0;
    const timer = setInterval(() => {
      tries++;
      const el = document.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
      if (el) {
        // Scrolled on a few ticks after it appears: the transcript's own scroll-to-latest runs on load too.
        el.scrollIntoView({ block: 'center' });
        el.classList.add('is-search-hit');
        el.setAttribute('data-search-hit', 'true');
        if (++seen > 5) clearInterval(timer);
        return;
      }
      const earlier = document.querySelector<HTMLButtonElement>('[data-testid="load-earlier"]');
      if (earlier && !earlier.disabled && pages < 10 && tries % 5 === 0) {
        pages++;
        earlier.click();
      }
      if (tries > 150) clearInterval(timer);
    }, 100);
    return () => clearInterval(timer);
  }, [sessionId]);
}

/** The conversation's header: back, title (rename), channel, status, whose, project; the model picker; the conversation menu. */
export function ConversationHeader({
  session,
  running,
  models,
  onChangeModel,
}: {
  session: Session;
  running: boolean;
  models: ModelsResponse | undefined;
  onChangeModel(modelId: string | null): Promise<void>;
}) {
  const title = sessionTitle(session);
  const actions = useConversationActions(session.id);
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  useTabTitle(title);
  useScrollToMessage(session.id);
  const run = (p: Promise<unknown>) => p.then(() => setFailure(null)).catch((err) => setFailure(apiErrorOf(err).message));

  return (
    <>
      <header className="conversation__head">
        <Link href="/chat" className="icon-button conversation__back" aria-label="Back to conversations">
          <ChevronLeftIcon />
        </Link>
        <div className="conversation__title">
          {renaming ? (
            <InlineTitle initial={session.title ?? ''} label="Conversation title" onSave={(t) => actions.rename(session.id, t)} onDone={() => setRenaming(false)} />
          ) : (
            <h1 title={title} onDoubleClick={() => setRenaming(true)} data-testid="conversation-title">
              {title}
            </h1>
          )}
          <div className="conversation__sub">
            <ChannelBadge channel={session.channel} />
            {running ? <span className="status status--running">Replying…</span> : session.status === 'interrupted' ? <span className="status">Interrupted</span> : null}
            {session.person ? (
              <span className="who" title="Whose conversation this is" data-testid="conversation-person">
                <PersonIcon size={14} />
                {session.person.displayName}
                {session.person.id === OWNER_PERSON_ID ? <span className="muted"> (you)</span> : null}
              </span>
            ) : session.group ? (
              <span className="who" title={`A group chat (${session.group}): its members share the group's memories`} data-testid="conversation-group">
                <PeopleIcon size={14} />
                Group chat
              </span>
            ) : null}
            {session.projectId ? (
              <span className="muted small conversation__project" data-testid="conversation-project">
                Project · {session.projectId}
              </span>
            ) : null}
            {session.agent ? <span className="muted small conversation__project">Agent · {session.agent}</span> : null}
            {session.archived ? <span className="convo__tag">Archived</span> : null}
          </div>
        </div>
        <ModelPicker session={session} models={models} onChange={onChangeModel} />
        <ActionMenu
          label="Conversation actions"
          testId="conversation-actions"
          items={[
            { id: 'rename', label: 'Rename', onSelect: () => setRenaming(true) },
            { id: 'pin', label: session.pinned ? 'Unpin' : 'Pin', onSelect: () => void run(actions.setPinned(session.id, !session.pinned)) },
            { id: 'archive', label: session.archived ? 'Unarchive' : 'Archive', onSelect: () => void run(actions.setArchived(session.id, !session.archived)) },
            { id: 'export-markdown', label: 'Export as Markdown', href: exportHref(session.id, 'markdown') },
            { id: 'export-json', label: 'Export as JSON', href: exportHref(session.id, 'json') },
            ...(session.projectId ? [{ id: 'new-in-project', label: 'New in this project', href: undefined, onSelect: () => window.location.assign(`/chat/new?project=${encodeURIComponent(session.projectId!)}`) }] : []),
            { id: 'delete', label: 'Delete…', danger: true, onSelect: () => setConfirming(true) },
          ]}
        />
      </header>
      {confirming ? (
        <div className="banner banner--slim banner--danger" role="alertdialog" aria-label="Delete this conversation?">
          <span>Delete this conversation and its whole history? This cannot be undone.</span>
          <button type="button" className="btn btn--danger btn--sm" onClick={() => void run(actions.remove(session.id).then(() => setConfirming(false)))} data-testid="confirm-delete">
            Delete
          </button>
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : null}
      {failure ? (
        <p className="notice notice--error" role="alert">
          {failure}
        </p>
      ) : null}
    </>
  );
}
