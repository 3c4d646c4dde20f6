import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The dashboard's sign-in cookie. It holds no secret: `v1.<issuedAt>.<mac>`, where the MAC is
 * an HMAC-SHA256 keyed by a hash of the API token. So the cookie survives a restart of the
 * dashboard, needs no session store, and rotating the API token signs every browser out.
 */
export const COOKIE_NAME = 'sb_session';
export const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

function keyFor(apiToken: string): Buffer {
  return createHash('sha256').update('switchboard-web-session\0' + apiToken).digest();
}

function mac(apiToken: string, issuedAt: number): string {
  return createHmac('sha256', keyFor(apiToken)).update(`v1.${issuedAt}`).digest('base64url');
}

/** A fresh cookie value for a browser that proved it knows the API token. */
export function issueSessionValue(apiToken: string, now = Date.now()): string {
  return `v1.${now}.${mac(apiToken, now)}`;
}

/** True when the value was issued with this API token, is not expired and is not from the future. */
export function verifySessionValue(value: string | undefined | null, apiToken: string | null, now = Date.now()): boolean {
  if (!value || !apiToken) return false;
  const m = /^v1\.(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return false;
  const issuedAt = Number(m[1]);
  if (issuedAt > now + 60_000 || now - issuedAt > COOKIE_MAX_AGE_S * 1000) return false;
  const expected = Buffer.from(mac(apiToken, issuedAt));
  const presented = Buffer.from(m[2]);
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

/**
 * Reads one cookie from a Cookie header. A value that is not valid percent-encoding (a stray
 * `%` left by another app on this host, a truncated cookie) reads as absent: the browser is
 * then simply signed out, instead of every page failing.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The Set-Cookie header: httpOnly (no script can read it) and SameSite=Strict (no cross-site request carries it). */
export function sessionCookieHeader(value: string, opts: { secure: boolean; maxAgeS?: number }): string {
  const parts = [`${COOKIE_NAME}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${opts.maxAgeS ?? COOKIE_MAX_AGE_S}`];
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookieHeader(opts: { secure: boolean }): string {
  return sessionCookieHeader('', { ...opts, maxAgeS: 0 });
}

/** Constant-time string comparison. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
