'use client';
import { useEffect, useRef, useState } from 'react';
import type { Connectivity } from '../../lib/connectivity';
import { AlertIcon, RefreshIcon } from './icons';

/**
 * The full-screen notice when the API (or the dashboard server) cannot be reached. It retries
 * on its own every few seconds, and says how to bring the API up.
 */
export function ApiUnreachable({ state, onRetry, inline = false }: { state: Exclude<Connectivity, { state: 'ok' }>; onRetry: () => Promise<void> | void; inline?: boolean }) {
  const [busy, setBusy] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    button.current?.focus();
    const t = setInterval(() => void onRetry(), 5000);
    return () => clearInterval(t);
  }, [onRetry]);
  const retry = async () => {
    setBusy(true);
    try {
      await onRetry();
    } finally {
      setBusy(false);
    }
  };
  const serverDown = state.state === 'server-unreachable';
  return (
    <div className={inline ? 'unreachable unreachable--inline' : 'unreachable'} role="alertdialog" aria-modal={!inline} aria-labelledby="unreachable-title" aria-describedby="unreachable-body">
      <div className="unreachable__card">
        <div className="unreachable__icon" aria-hidden>
          <AlertIcon size={28} />
        </div>
        <h1 id="unreachable-title">{serverDown ? 'The dashboard server is not answering' : 'Can’t reach the Switchboard API'}</h1>
        <div id="unreachable-body" className="unreachable__body">
          {serverDown ? (
            <p>This page lost its connection to the dashboard server. Check that Switchboard is still running.</p>
          ) : (
            <>
              <p>
                The dashboard is up, but the API at <code>{state.apiUrl ?? 'SWITCHBOARD_API_URL'}</code> is not answering.
              </p>
              <p className="muted">
                Start everything with <code>npm start</code>, or the API alone with <code>npm run api</code>. If the API runs elsewhere, set{' '}
                <code>SWITCHBOARD_API_URL</code> for the dashboard.
              </p>
            </>
          )}
          <p className="muted small">Retrying every 5 seconds. Nothing you have sent is lost: replies in progress continue on the server.</p>
        </div>
        <button ref={button} type="button" className="btn btn--primary" onClick={retry} disabled={busy}>
          <RefreshIcon size={16} /> {busy ? 'Checking…' : 'Try again'}
        </button>
      </div>
    </div>
  );
}
