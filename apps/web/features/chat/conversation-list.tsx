'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { memo, useEffect, useMemo, useState } from 'react';
import type { Channel, Session } from '@switchboard/protocol';
import { useApi } from '../../lib/api-context';
import { apiErrorOf } from '../../lib/api-errors';
import { relativeTime, sessionTitle } from '../../lib/format';
import { useSessionList } from '../../lib/queries';
import { queryKeys } from '../../lib/query-keys';
import { ArchiveIcon, CheckIcon, PlusIcon, SearchIcon } from '../shell/icons';
import { SearchResults } from '../search/search-results';
import { useMessageSearch } from '../search/use-message-search';
import { ChannelBadge } from './channel-badge';
import { ActionMenu } from './conversation-row-menu';
import { InlineTitle } from './inline-title';
import { pinnedFirst, useConversationActions } from './use-conversation-actions';

const FILTERS: Array<{ id: Channel | 'all'; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'web', label: 'Web' },
  { id: 'telegram', label: 'Telegram' },
  { id: 'api', label: 'API' },
  { id: 'job', label: 'Jobs' },
];

/** Filters the list by channel and by words in the title (or peer id). */
export function filterSessions(sessions: readonly Session[], channel: Channel | 'all', query: string): Session[] {
  const q = query.trim().toLowerCase();
  return sessions.filter(
    (s) => (channel === 'all' || s.channel === channel) && (!q || sessionTitle(s).toLowerCase().includes(q) || s.peerId.toLowerCase().includes(q)),
  );
}

/** Re-renders relative times once a minute. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

function PinMark() {
  return (
    <svg className="convo__pin" width={13} height={13} viewBox="0 0 24 24" fill="currentColor" role="img" aria-label="Pinned">
      <path d="M14.5 3 21 9.5l-2.1.7-3.6 3.6-.6 4.6-1.6 1.6-3.2-3.2L5 21.7 3.3 20l4.9-4.9L5 11.9l1.6-1.6 4.6-.6 3.6-3.6z" />
    </svg>
  );
}

interface RowProps {
  session: Session;
  active: boolean;
  now: number;
  selecting: boolean;
  selected: boolean;
  renaming: boolean;
  confirming: boolean;
  onToggle(id: string): void;
  onRename(id: string | null): void;
  onConfirm(id: string | null): void;
  actions: ReturnType<typeof useConversationActions>;
  onError(message: string): void;
}

const ConversationRow = memo(function ConversationRow({ session, active, now, selecting, selected, renaming, confirming, onToggle, onRename, onConfirm, actions, onError }: RowProps) {
  const title = sessionTitle(session);
  const run = (p: Promise<unknown>) => p.catch((err) => onError(apiErrorOf(err).message));
  return (
    <li className={`convo-row${selecting ? ' is-selecting' : ''}`} data-testid="conversation-row" data-session-id={session.id}>
      {selecting ? (
        <input type="checkbox" className="convo-row__check" aria-label={`Select ${title}`} checked={selected} onChange={() => onToggle(session.id)} />
      ) : null}
      {renaming ? (
        <InlineTitle initial={session.title ?? ''} label={`New title for ${title}`} onSave={(t) => actions.rename(session.id, t)} onDone={() => onRename(null)} />
      ) : (
        <Link href={`/chat/${session.id}`} className={`convo${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined} data-session-id={session.id}>
          <div className="convo__top">
            {session.pinned ? <PinMark /> : null}
            <span className="convo__title">{title}</span>
            <time className="convo__time" dateTime={session.lastActivityAt}>
              {relativeTime(session.lastActivityAt, now)}
            </time>
          </div>
          <div className="convo__bottom">
            <ChannelBadge channel={session.channel} />
            <span className="convo__model">{session.effectiveModel.label}</span>
            {session.status === 'running' || session.queueLength > 0 ? (
              <span className="convo__trail">
                {session.status === 'running' ? (
                  <span className="convo__live" aria-label="Replying" title="Replying">
                    <span className="dots" aria-hidden>
                      <i />
                      <i />
                      <i />
                    </span>
                  </span>
                ) : null}
                {session.queueLength > 0 ? <span className="convo__queue">{session.queueLength} queued</span> : null}
              </span>
            ) : null}
          </div>
        </Link>
      )}
      {!selecting && !renaming ? (
        <ActionMenu
          label={`Actions for ${title}`}
          testId="conversation-menu"
          items={[
            { id: 'rename', label: 'Rename', onSelect: () => onRename(session.id) },
            { id: 'pin', label: session.pinned ? 'Unpin' : 'Pin', onSelect: () => void run(actions.setPinned(session.id, !session.pinned)) },
            { id: 'archive', label: session.archived ? 'Unarchive' : 'Archive', onSelect: () => void run(actions.setArchived(session.id, !session.archived)) },
            { id: 'delete', label: 'Delete…', danger: true, onSelect: () => onConfirm(session.id) },
          ]}
        />
      ) : null}
      {confirming ? (
        <div className="convo-row__confirm" role="alertdialog" aria-label={`Delete ${title}?`}>
          <span>Delete this conversation and its history?</span>
          <button type="button" className="btn btn--danger btn--sm" onClick={() => void run(actions.remove(session.id)).finally(() => onConfirm(null))} data-testid="confirm-delete">
            Delete
          </button>
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => onConfirm(null)}>
            Cancel
          </button>
        </div>
      ) : null}
    </li>
  );
});

/** Every conversation from every door, pinned first then newest activity, with live status; search over message text; archive; bulk actions. */
export function ConversationList({ activeId }: { activeId: string | null }) {
  const api = useApi();
  const { data, isPending, error } = useSessionList();
  const [view, setView] = useState<'inbox' | 'archived'>('inbox');
  const archived = useQuery({
    queryKey: queryKeys.sessionsArchived,
    queryFn: async () => (await api.client.listSessions({ archived: 'true', limit: 200 })).sessions,
    enabled: view === 'archived',
  });
  const actions = useConversationActions(activeId);
  const [channel, setChannel] = useState<Channel | 'all'>('all');
  const [query, setQuery] = useState('');
  const search = useMessageSearch(query);
  const [selecting, setSelecting] = useState(false);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [bulkConfirm, setBulkConfirm] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const now = useMinuteClock();

  // The live list may hold a conversation archived a moment ago (by its event): the inbox hides it.
  const source = useMemo(
    () => (view === 'archived' ? (archived.data ?? []).filter((s) => !data?.deleted[s.id]) : (data?.sessions ?? []).filter((s) => !s.archived)),
    [view, archived.data, data],
  );
  const visible = useMemo(() => pinnedFirst(filterSessions(source, channel, query)), [source, channel, query]);
  const loading = view === 'archived' ? archived.isPending : isPending;
  const loadError = view === 'archived' ? archived.error : error && !data ? error : null;

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = visible.length > 0 && visible.every((s) => selected.has(s.id));
  const stopSelecting = () => {
    setSelecting(false);
    setSelected(new Set());
    setBulkConfirm(false);
  };
  const runBulk = async (action: 'archive' | 'unarchive' | 'delete') => {
    setFailure(null);
    try {
      const results = await actions.bulk(action, [...selected]);
      const failed = results.filter((r) => !r.ok);
      if (failed.length) setFailure(`${failed.length} of ${results.length} could not be changed: ${failed[0].error?.message ?? 'unknown error'}`);
      stopSelecting();
      if (view === 'archived') void archived.refetch();
    } catch (err) {
      setFailure(apiErrorOf(err).message);
    }
  };
  const searching = search.active;

  return (
    <aside className="sidebar" aria-label="Conversations">
      <div className="sidebar__head">
        <h1 className="sidebar__title">{view === 'archived' ? 'Archived' : 'Conversations'}</h1>
        <div className="sidebar__actions">
          <button
            type="button"
            className={`icon-button sidebar__toggle${view === 'archived' ? ' is-on' : ''}`}
            aria-pressed={view === 'archived'}
            aria-label="Archived conversations"
            title={view === 'archived' ? 'Back to conversations' : 'Archived conversations'}
            onClick={() => {
              stopSelecting();
              setView(view === 'archived' ? 'inbox' : 'archived');
            }}
            data-testid="archived-view"
          >
            <ArchiveIcon size={17} />
          </button>
          <button
            type="button"
            className={`icon-button sidebar__toggle${selecting ? ' is-on' : ''}`}
            aria-pressed={selecting}
            aria-label="Select conversations"
            title={selecting ? 'Stop selecting' : 'Select conversations'}
            onClick={() => (selecting ? stopSelecting() : setSelecting(true))}
            data-testid="select-mode"
          >
            <CheckIcon size={17} />
          </button>
          <Link href="/chat/new" className="btn btn--primary btn--sm" data-testid="new-chat">
            <PlusIcon size={16} /> New
          </Link>
        </div>
      </div>
      <div className="sidebar__search">
        <SearchIcon size={15} aria-hidden />
        <input
          type="search"
          placeholder="Search titles and messages"
          aria-label="Search conversations"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setQuery('')}
          data-testid="conversation-search"
        />
      </div>
      <div className="chips" role="group" aria-label="Filter conversations">
        {FILTERS.map((f) => (
          <button key={f.id} type="button" className={`chip${channel === f.id ? ' is-on' : ''}`} aria-pressed={channel === f.id} onClick={() => setChannel(f.id)}>
            {f.label}
          </button>
        ))}
      </div>
      {selecting ? (
        <div className="bulk-bar" role="toolbar" aria-label="Selected conversations">
          <label className="bulk-bar__all">
            <input type="checkbox" checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(visible.map((s) => s.id)))} aria-label="Select all" />
            <span>{selected.size ? `${selected.size} selected` : 'Select all'}</span>
          </label>
          {bulkConfirm ? (
            <>
              <button type="button" className="btn btn--danger btn--sm" onClick={() => void runBulk('delete')} data-testid="bulk-delete-confirm">
                Delete {selected.size}
              </button>
              <button type="button" className="btn btn--ghost btn--sm" onClick={() => setBulkConfirm(false)}>
                Cancel
              </button>
            </>
          ) : (
            <>
              <button type="button" className="btn btn--sm" disabled={!selected.size} onClick={() => void runBulk(view === 'archived' ? 'unarchive' : 'archive')} data-testid="bulk-archive">
                {view === 'archived' ? 'Unarchive' : 'Archive'}
              </button>
              <button type="button" className="btn btn--ghost btn--danger btn--sm" disabled={!selected.size} onClick={() => setBulkConfirm(true)} data-testid="bulk-delete">
                Delete
              </button>
            </>
          )}
        </div>
      ) : null}
      {failure ? (
        <p className="notice notice--error sidebar__notice" role="alert">
          {failure}
        </p>
      ) : null}
      <nav className="sidebar__list" aria-label="Conversation list">
        {loading ? (
          <div className="skeleton-list" role="status" aria-label="Loading conversations">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="skeleton" />
            ))}
          </div>
        ) : loadError ? (
          <p className="muted pad">Could not load conversations: {apiErrorOf(loadError).message}</p>
        ) : (
          <>
            {searching && visible.length > 0 ? <h2 className="sidebar__section">Titles</h2> : null}
            {searching && visible.length === 0 ? null : visible.length === 0 ? (
              <p className="muted pad">
                {query ? 'No title matches.' : view === 'archived' ? 'Nothing archived.' : data?.sessions.length ? 'No conversation here.' : 'No conversations yet. Start one with New.'}
              </p>
            ) : (
              <ul>
                {visible.map((s) => (
                  <ConversationRow
                    key={s.id}
                    session={s}
                    active={s.id === activeId}
                    now={now}
                    selecting={selecting}
                    selected={selected.has(s.id)}
                    renaming={renaming === s.id}
                    confirming={confirming === s.id}
                    onToggle={toggle}
                    onRename={setRenaming}
                    onConfirm={setConfirming}
                    actions={actions}
                    onError={setFailure}
                  />
                ))}
              </ul>
            )}
            {searching ? (
              <>
                <h2 className="sidebar__section">Messages</h2>
                <SearchResults search={search} now={now} activeId={activeId} />
              </>
            ) : null}
          </>
        )}
      </nav>
    </aside>
  );
}
