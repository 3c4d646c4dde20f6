import type { IncomingMessage } from 'node:http';
import { COOKIE_NAME, issueSessionValue, readCookie, sameSecret, verifySessionValue } from './session-cookie';

/** What the API said about a token. */
export type TokenCheck = 'ok' | 'invalid' | 'unreachable';

export interface SignInResult {
  ok: boolean;
  status: number;
  code?: 'UNAUTHORIZED' | 'API_UNREACHABLE' | 'RATE_LIMITED' | 'VALIDATION_FAILED';
  message?: string;
  /** The cookie value to set, on success. */
  cookie?: string;
}

const WINDOW_MS = 5 * 60_000;
const MAX_FAILURES = 10;

/**
 * Who may use the dashboard. A browser signs in once with the API token; the server checks it
 * (against SWITCHBOARD_API_TOKEN when set, and against the API), then hands out a signed,
 * httpOnly cookie. The API token itself never reaches the browser's JavaScript: the proxy adds it.
 */
export class AuthGate {
  private token: string | null;
  private readonly failures = new Map<string, number[]>();

  constructor(
    configuredToken: string | null,
    private readonly checkToken: (token: string) => Promise<TokenCheck>,
    private readonly now: () => number = Date.now,
  ) {
    this.token = configuredToken;
  }

  /** The token the proxy presents to the API (null until someone signs in, when none is configured). */
  get apiToken(): string | null {
    return this.token;
  }

  isSignedIn(req: Pick<IncomingMessage, 'headers'>): boolean {
    return verifySessionValue(readCookie(req.headers.cookie, COOKIE_NAME), this.token, this.now());
  }

  async signIn(presented: unknown, remote: string): Promise<SignInResult> {
    if (this.tooManyFailures(remote)) {
      return { ok: false, status: 429, code: 'RATE_LIMITED', message: 'Too many attempts. Wait a few minutes and try again.' };
    }
    if (typeof presented !== 'string' || presented.trim().length === 0 || presented.length > 1000) {
      return { ok: false, status: 400, code: 'VALIDATION_FAILED', message: 'Paste the API token.' };
    }
    const token = presented.trim();
    if (this.token && !sameSecret(token, this.token)) return this.fail(remote);
    const verdict = await this.checkToken(token);
    if (verdict === 'unreachable') {
      return { ok: false, status: 502, code: 'API_UNREACHABLE', message: 'The Switchboard API is not reachable, so the token cannot be checked.' };
    }
    if (verdict === 'invalid') return this.fail(remote);
    this.failures.delete(remote);
    this.token = token;
    return { ok: true, status: 200, cookie: issueSessionValue(token, this.now()) };
  }

  private fail(remote: string): SignInResult {
    const list = (this.failures.get(remote) ?? []).filter((t) => this.now() - t < WINDOW_MS);
    list.push(this.now());
    this.failures.set(remote, list);
    return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'That token is not valid for this Switchboard.' };
  }

  private tooManyFailures(remote: string): boolean {
    const list = (this.failures.get(remote) ?? []).filter((t) => this.now() - t < WINDOW_MS);
    if (list.length === 0) this.failures.delete(remote);
    else this.failures.set(remote, list);
    return list.length >= MAX_FAILURES;
  }
}
