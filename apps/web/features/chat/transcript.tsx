'use client';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Message } from '@switchboard/protocol';
import { archivedRows, transcriptItems, type TranscriptItem } from '../../lib/transcript';
import { ArchiveIcon } from '../shell/icons';
import { MessageItem } from './message-item';

/** A run of archived messages (an earlier attempt, or the turns an edit replaced): collapsed, one click to read. */
function ArchivedRun({ item }: { item: Extract<TranscriptItem, { type: 'archive' }> }) {
  const n = item.messages.filter((m) => m.kind === 'text').length;
  const label =
    item.reason === 'edit'
      ? `${n} message${n === 1 ? '' : 's'} replaced by an edit · archived`
      : 'Earlier attempt · archived';
  return (
    <details className="archive" data-testid="archived-run" data-reason={item.reason ?? ''}>
      <summary>
        <ArchiveIcon size={14} /> {label}
      </summary>
      <div className="archive__messages">
        {archivedRows(item.messages).map((row) => (
          <MessageItem key={row.message.id} message={row.message} error={row.error} archived />
        ))}
      </div>
    </details>
  );
}

const useIsoLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/**
 * The conversation as a scrolling log. It stays pinned to the bottom while the user is there
 * (a streaming reply keeps growing into view) and leaves them alone once they scroll up.
 */
export function Transcript({
  messages,
  empty,
  streaming,
  earlier,
}: {
  messages: readonly Message[];
  empty?: ReactNode;
  streaming: boolean;
  /** Older history on the server: a button at the top loads it without moving what the user sees. */
  earlier?: { load: () => Promise<unknown>; loading: boolean; failed: boolean } | null;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  // Where the user was (distance from the bottom) when an earlier page was asked for.
  const anchor = useRef<number | null>(null);
  const [showJump, setShowJump] = useState(false);
  const items = useMemo(() => transcriptItems(messages), [messages]);

  const toBottom = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    pinned.current = atBottom;
    if (atBottom) setShowJump(false);
  };

  useIsoLayoutEffect(() => {
    const el = scroller.current;
    if (anchor.current !== null && el) {
      // An earlier page went in above: keep the same messages in view.
      el.scrollTop = el.scrollHeight - el.clientHeight - anchor.current;
      anchor.current = null;
      return;
    }
    if (pinned.current) toBottom();
    else setShowJump(true);
  }, [messages, toBottom]);

  const loadEarlier = () => {
    const el = scroller.current;
    if (!earlier || earlier.loading) return;
    anchor.current = el ? el.scrollHeight - el.clientHeight - el.scrollTop : null;
    pinned.current = false;
    void earlier.load().catch(() => {
      anchor.current = null;
    });
  };

  useEffect(() => {
    // Streaming text grows inside one message without re-rendering this component: follow it.
    if (typeof ResizeObserver === 'undefined' || !content.current) return;
    const ro = new ResizeObserver(() => {
      // A streaming reply grows: follow it, or offer the way down when the user scrolled up.
      if (pinned.current) toBottom();
      else setShowJump(true);
    });
    ro.observe(content.current);
    return () => ro.disconnect();
  }, [toBottom]);

  return (
    <div className="transcript-wrap">
      <div ref={scroller} className="transcript" onScroll={onScroll} role="log" aria-label="Conversation" aria-busy={streaming} tabIndex={0}>
        <div ref={content} className="transcript__content">
          {earlier && messages.length > 0 ? (
            <div className="transcript__earlier">
              <button type="button" className="btn btn--ghost" onClick={loadEarlier} disabled={earlier.loading} data-testid="load-earlier">
                {earlier.loading ? 'Loading earlier messages…' : 'Show earlier messages'}
              </button>
              {earlier.failed ? <p className="notice notice--error">Could not load earlier messages. Try again.</p> : null}
            </div>
          ) : null}
          {messages.length === 0
            ? empty
            : items.map((item) => (item.type === 'archive' ? <ArchivedRun key={item.key} item={item} /> : <MessageItem key={item.message.id} message={item.message} error={item.error} />))}
        </div>
      </div>
      {showJump ? (
        <button
          type="button"
          className="jump"
          data-testid="jump-latest"
          onClick={() => {
            // Instant: a smooth scroll's intermediate positions would unpin the view while the reply grows.
            pinned.current = true;
            setShowJump(false);
            toBottom();
          }}
        >
          ↓ Jump to latest
        </button>
      ) : null}
    </div>
  );
}
