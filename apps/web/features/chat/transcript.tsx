'use client';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { Message } from '@switchboard/protocol';
import { MessageItem } from './message-item';

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

  const toBottom = useCallback((smooth = false) => {
    const el = scroller.current;
    if (!el) return;
    if (smooth && typeof el.scrollTo === 'function') el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    else el.scrollTop = el.scrollHeight;
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
      if (pinned.current) toBottom();
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
          {messages.length === 0 ? empty : messages.map((m) => <MessageItem key={m.id} message={m} />)}
        </div>
      </div>
      {showJump ? (
        <button
          type="button"
          className="jump"
          onClick={() => {
            pinned.current = true;
            setShowJump(false);
            toBottom(true);
          }}
        >
          ↓ Latest
        </button>
      ) : null}
    </div>
  );
}
