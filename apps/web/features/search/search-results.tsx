'use client';
import Link from 'next/link';
import { apiErrorOf } from '../../lib/api-errors';
import { relativeTime, sessionTitle } from '../../lib/format';
import { ChannelBadge } from '../chat/channel-badge';
import { Highlighted } from './highlighted';
import type { useMessageSearch } from './use-message-search';

/** Conversations whose messages match, each with its best snippet; a click opens it at that message. */
export function SearchResults({ search, now, activeId }: { search: ReturnType<typeof useMessageSearch>; now: number; activeId: string | null }) {
  if (search.error && !search.data) return <p className="muted pad">Search failed: {apiErrorOf(search.error).message}</p>;
  if (search.results.length === 0) {
    return (
      <p className="muted pad" role="status">
        {search.isFetching || search.settling ? 'Searching…' : 'No message matches.'}
      </p>
    );
  }
  return (
    <>
      <p className="visually-hidden" role="status">
        {search.results.length} conversations found
      </p>
      <ul data-testid="search-results">
        {search.results.map((hit) => (
          <li key={hit.session.id}>
            <Link
              href={`/chat/${hit.session.id}?m=${encodeURIComponent(hit.messageId)}`}
              className={`convo convo--hit${hit.session.id === activeId ? ' is-active' : ''}`}
              data-session-id={hit.session.id}
            >
              <div className="convo__top">
                <span className="convo__title">{sessionTitle(hit.session)}</span>
                <time className="convo__time" dateTime={hit.session.lastActivityAt}>
                  {relativeTime(hit.session.lastActivityAt, now)}
                </time>
              </div>
              <p className="convo__snippet">
                <span className="visually-hidden">{hit.role === 'user' ? 'Message: ' : 'Reply: '}</span>
                <Highlighted snippet={hit.snippet} />
              </p>
              <div className="convo__bottom">
                <ChannelBadge channel={hit.session.channel} />
                {hit.session.archived ? <span className="convo__tag">Archived</span> : null}
              </div>
            </Link>
          </li>
        ))}
      </ul>
      {search.hasNextPage ? (
        <button type="button" className="btn btn--ghost btn--sm btn--block" onClick={() => void search.fetchNextPage()} disabled={search.isFetchingNextPage}>
          {search.isFetchingNextPage ? 'Loading…' : 'More results'}
        </button>
      ) : null}
    </>
  );
}
