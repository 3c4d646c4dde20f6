'use client';
import { useEffect, useState } from 'react';
import type { LimitNotice } from '../../lib/people';
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
