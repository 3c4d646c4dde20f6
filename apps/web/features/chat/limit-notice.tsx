'use client';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { apiErrorOf } from '../../lib/api-errors';
import { limitNotice, type LimitNotice } from '../../lib/people';
import { AlertIcon, CloseIcon } from '../shell/icons';

/** The composer's line for a send refused by the limits; a rate limit counts down to "send again". */
export function LimitNoticeLine({ notice, onDismiss }: { notice: LimitNotice; onDismiss: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  const ticking = notice.code === 'RATE_LIMITED' && notice.until !== null;
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  const over = ticking && now >= notice.until!;
  return (
    <div className={`limit-notice${over ? ' limit-notice--over' : ''}`} role="alert" data-testid="composer-limit" data-code={notice.code}>
      <AlertIcon size={16} />
      <span className="limit-notice__text">{notice.text(now)}</span>
      <button type="button" className="icon-button limit-notice__close" onClick={onDismiss} aria-label="Dismiss">
        <CloseIcon size={14} />
      </button>
    </div>
  );
}

/**
 * What the composer says when something it sent was refused: a person's limit in words (with
 * its countdown), or the API's message. `report` files an error under the right one; `notices`
 * renders them above the composer.
 */
export function useComposerNotices(): { setNotice: (text: string | null) => void; clear: () => void; report: (err: unknown) => void; notices: ReactNode } {
  const [notice, setNotice] = useState<string | null>(null);
  const [limit, setLimit] = useState<LimitNotice | null>(null);
  const clear = useCallback(() => {
    setNotice(null);
    setLimit(null);
  }, []);
  const report = useCallback((err: unknown) => {
    const info = apiErrorOf(err);
    const refused = limitNotice(info);
    if (refused) setLimit(refused);
    else setNotice(info.message);
  }, []);
  const notices = (
    <>
      {notice ? (
        <p className="notice notice--error" role="alert">
          {notice}
        </p>
      ) : null}
      {limit ? <LimitNoticeLine notice={limit} onDismiss={() => setLimit(null)} /> : null}
    </>
  );
  return { setNotice, clear, report, notices };
}
