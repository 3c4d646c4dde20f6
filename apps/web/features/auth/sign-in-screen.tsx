'use client';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { AuthError, authClient, type AuthStatus } from '../../lib/auth-client';
import { ApiUnreachable } from '../shell/api-unreachable';
import { EyeIcon, KeyIcon, LogoMark } from '../shell/icons';

/** Where to go after signing in: only a path on this site. */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/chat';
  if (raw.startsWith('/signin')) return '/chat';
  return raw;
}

type Check = { kind: 'checking' } | { kind: 'ready'; status: AuthStatus } | { kind: 'server-down' };

/** Sign in with the API token; the server answers with an httpOnly cookie. */
export function SignInScreen() {
  const [check, setCheck] = useState<Check>({ kind: 'checking' });
  const [token, setToken] = useState('');
  const [reveal, setReveal] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const refresh = useCallback(async () => {
    try {
      const status = await authClient.status();
      if (status.signedIn) {
        window.location.replace(safeNext(new URLSearchParams(window.location.search).get('next')));
        return;
      }
      setCheck({ kind: 'ready', status });
    } catch {
      setCheck({ kind: 'server-down' });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (check.kind === 'ready' && check.status.api.reachable) input.current?.focus();
  }, [check]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) {
      setError('Paste the API token.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await authClient.signIn(token.trim());
      window.location.replace(safeNext(new URLSearchParams(window.location.search).get('next')));
    } catch (err) {
      const e2 = err instanceof AuthError ? err : null;
      if (e2?.code === 'API_UNREACHABLE') await refresh();
      setError(e2?.message ?? 'Could not sign in.');
      setBusy(false);
      input.current?.select();
    }
  };

  if (check.kind === 'server-down') return <ApiUnreachable inline state={{ state: 'server-unreachable' }} onRetry={refresh} />;
  if (check.kind === 'ready' && !check.status.api.reachable) {
    return <ApiUnreachable inline state={{ state: 'api-unreachable', apiUrl: check.status.api.url }} onRetry={refresh} />;
  }

  return (
    <div className="signin">
      <form className="signin__card" onSubmit={submit} noValidate aria-busy={busy || check.kind === 'checking'}>
        <div className="signin__brand">
          <LogoMark size={30} />
          <span>Switchboard</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">Use the API token of this Switchboard installation.</p>
        <div className="field">
          <label htmlFor="token" className="field-label">
            API token
          </label>
          <div className={`input-group${error ? ' has-error' : ''}`}>
            <KeyIcon size={16} aria-hidden />
            <input
              ref={input}
              id="token"
              name="token"
              type={reveal ? 'text' : 'password'}
              autoComplete="current-password"
              spellCheck={false}
              value={token}
              onChange={(e) => setToken(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? 'token-error token-help' : 'token-help'}
              disabled={check.kind === 'checking'}
            />
            <button type="button" className="icon-button" onClick={() => setReveal((r) => !r)} aria-label={reveal ? 'Hide token' : 'Show token'} aria-pressed={reveal}>
              <EyeIcon size={16} />
            </button>
          </div>
          {error ? (
            <p id="token-error" className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn btn--primary btn--block" disabled={busy || check.kind === 'checking'}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p id="token-help" className="muted small signin__help">
          It is in <code>data/api-token</code> (or <code>SWITCHBOARD_API_TOKEN</code>); the start-up log says where. The dashboard server checks it and
          keeps you signed in with a cookie that page scripts cannot read — the token itself is never stored in this browser.
        </p>
      </form>
    </div>
  );
}
