import { COOKIE_MAX_AGE_S, clearCookieHeader, issueSessionValue, readCookie, sameSecret, sessionCookieHeader, verifySessionValue } from './session-cookie';

const TOKEN = 'api-token-0123456789abcdef';

describe('session cookie', () => {
  it('verifies a value issued with the same API token, and holds no secret', () => {
    const v = issueSessionValue(TOKEN, 1_800_000_000_000);
    expect(v).not.toContain(TOKEN);
    expect(verifySessionValue(v, TOKEN, 1_800_000_000_000 + 1000)).toBe(true);
  });

  it('refuses other tokens, tampering, expiry, the future, and garbage', () => {
    const now = 1_800_000_000_000;
    const v = issueSessionValue(TOKEN, now);
    expect(verifySessionValue(v, 'another-token-0123456789', now)).toBe(false);
    expect(verifySessionValue(v.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), TOKEN, now)).toBe(false);
    expect(verifySessionValue(v.replace(String(now), String(now + 1)), TOKEN, now)).toBe(false);
    expect(verifySessionValue(v, TOKEN, now + COOKIE_MAX_AGE_S * 1000 + 1)).toBe(false);
    expect(verifySessionValue(issueSessionValue(TOKEN, now + 3_600_000), TOKEN, now)).toBe(false);
    for (const bad of [undefined, '', 'v1', 'v1.x.y', `v2.${now}.abc`]) expect(verifySessionValue(bad, TOKEN, now)).toBe(false);
    expect(verifySessionValue(v, null, now)).toBe(false);
  });

  it('reads cookies and writes an httpOnly, SameSite=Strict cookie', () => {
    expect(readCookie('a=1; sb_session=v1.2.3; b=2', 'sb_session')).toBe('v1.2.3');
    expect(readCookie(undefined, 'sb_session')).toBeUndefined();
    expect(sessionCookieHeader('x', { secure: false })).toBe(`sb_session=x; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}`);
    expect(sessionCookieHeader('x', { secure: true })).toMatch(/; Secure$/);
    expect(clearCookieHeader({ secure: false })).toContain('Max-Age=0');
  });

  it('reads a malformed value (a bad % escape) as no cookie, instead of throwing', () => {
    for (const bad of ['%', '%E0%A4%A', 'v1.%zz', '%u0041']) {
      expect(() => readCookie(`sb_session=${bad}`, 'sb_session')).not.toThrow();
      expect(readCookie(`sb_session=${bad}`, 'sb_session')).toBeUndefined();
    }
    // Another app's broken cookie on the same host does not hide ours.
    expect(readCookie('other=%; sb_session=v1.2.3', 'sb_session')).toBe('v1.2.3');
    expect(readCookie('sb_session=a%20b', 'sb_session')).toBe('a b');
  });

  it('compares secrets of any length', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });
});
