'use client';
import Link from 'next/link';
import { memo, useEffect, useMemo, useState } from 'react';
import type { Channel, Session } from '@switchboard/protocol';
import { apiErrorOf } from '../../lib/api-errors';
import { relativeTime, sessionTitle } from '../../lib/format';
import { useSessionList } from '../../lib/queries';
import { PlusIcon, SearchIcon } from '../shell/icons';
import { ChannelBadge } from './channel-badge';
import { useStartConversation } from './use-start-conversation';

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

const ConversationRow = memo(function ConversationRow({ session, active, now }: { session: Session; active: boolean; now: number }) {
  const title = sessionTitle(session);
  return (
    <li>
      <Link href={`/chat/${session.id}`} className={`convo${active ? ' is-active' : ''}`} aria-current={active ? 'page' : undefined} data-session-id={session.id}>
        <div className="convo__top">
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
    </li>
  );
});

/** Every conversation from every door, newest activity first, with live status. */
export function ConversationList({ activeId }: { activeId: string | null }) {
  const { data, isPending, error } = useSessionList();
  const { start: newChat, busy: creating, error: createError } = useStartConversation();
  const [channel, setChannel] = useState<Channel | 'all'>('all');
  const [query, setQuery] = useState('');
  const now = useMinuteClock();
  const visible = useMemo(() => filterSessions(data?.sessions ?? [], channel, query), [data, channel, query]);

  return (
    <aside className="sidebar" aria-label="Conversations">
      <div className="sidebar__head">
        <h1 className="sidebar__title">Conversations</h1>
        <button type="button" className="btn btn--primary btn--sm" onClick={newChat} disabled={creating} data-testid="new-chat">
          <PlusIcon size={16} /> New
        </button>
      </div>
      <div className="sidebar__search">
        <SearchIcon size={15} aria-hidden />
        <input type="search" placeholder="Search conversations" aria-label="Search conversations" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <div className="chips" role="group" aria-label="Filter by channel">
        {FILTERS.map((f) => (
          <button key={f.id} type="button" className={`chip${channel === f.id ? ' is-on' : ''}`} aria-pressed={channel === f.id} onClick={() => setChannel(f.id)}>
            {f.label}
          </button>
        ))}
      </div>
      {createError ? (
        <p className="notice notice--error" role="alert">
          {createError}
        </p>
      ) : null}
      <nav className="sidebar__list" aria-label="Conversation list">
        {isPending ? (
          <div className="skeleton-list" role="status" aria-label="Loading conversations">
            {[0, 1, 2, 3].map((i) => (
              <div key={i} className="skeleton" />
            ))}
          </div>
        ) : error && !data ? (
          <p className="muted pad">Could not load conversations: {apiErrorOf(error).message}</p>
        ) : visible.length === 0 ? (
          <p className="muted pad">{data?.sessions.length ? 'No conversation matches.' : 'No conversations yet. Start one with New.'}</p>
        ) : (
          <ul>
            {visible.map((s) => (
              <ConversationRow key={s.id} session={s} active={s.id === activeId} now={now} />
            ))}
          </ul>
        )}
      </nav>
    </aside>
  );
}
