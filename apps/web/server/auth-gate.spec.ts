import { AuthGate, type TokenCheck } from './auth-gate';
import { COOKIE_NAME } from './session-cookie';

const TOKEN = 'configured-token-0123456789';
const req = (cookie?: string) => ({ headers: cookie ? { cookie: `${COOKIE_NAME}=${cookie}` } : {} });

describe('AuthGate', () => {
  it('signs in with the configured token (checked against the API too) and recognises the cookie', async () => {
    const check = jest.fn(async (): Promise<TokenCheck> => 'ok');
    const gate = new AuthGate(TOKEN, check);
    const r = await gate.signIn(`  ${TOKEN} `, '127.0.0.1');
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(check).toHaveBeenCalledWith(TOKEN);
    expect(gate.isSignedIn(req(r.cookie))).toBe(true);
    expect(gate.isSignedIn(req('v1.123.abc'))).toBe(false);
    expect(gate.isSignedIn(req())).toBe(false);
  });

  it('treats a malformed cookie (a bad % escape) as signed out, not as an error', async () => {
    const gate = new AuthGate(TOKEN, async () => 'ok');
    const r = await gate.signIn(TOKEN, '127.0.0.1');
    for (const bad of ['%', '%E0%A4%A', `${r.cookie}%`]) expect(gate.isSignedIn(req(bad))).toBe(false);
    expect(gate.isSignedIn({ headers: { cookie: `junk=%; ${COOKIE_NAME}=${r.cookie}` } })).toBe(true);
  });

  it('refuses a wrong token without asking the API, and says when the API is unreachable', async () => {
    const check = jest.fn(async (): Promise<TokenCheck> => 'unreachable');
    const gate = new AuthGate(TOKEN, check);
    expect(await gate.signIn('wrong-token', 'a')).toMatchObject({ ok: false, status: 401, code: 'UNAUTHORIZED' });
    expect(check).not.toHaveBeenCalled();
    expect(await gate.signIn(TOKEN, 'a')).toMatchObject({ ok: false, status: 502, code: 'API_UNREACHABLE' });
    expect(await gate.signIn('', 'a')).toMatchObject({ status: 400 });
    expect(await gate.signIn(42, 'a')).toMatchObject({ status: 400 });
  });

  it('without a configured token, adopts the first token the API accepts', async () => {
    const gate = new AuthGate(null, async (t) => (t === 'the-real-token-123456' ? 'ok' : 'invalid'));
    expect(gate.apiToken).toBeNull();
    expect(await gate.signIn('guess-guess-guess', 'a')).toMatchObject({ status: 401 });
    const r = await gate.signIn('the-real-token-123456', 'a');
    expect(r.ok).toBe(true);
    expect(gate.apiToken).toBe('the-real-token-123456');
    expect(gate.isSignedIn(req(r.cookie))).toBe(true);
  });

  it('slows down guessing: 10 failures in 5 minutes from one address, then 429 until the window passes', async () => {
    let now = 1_000_000;
    const gate = new AuthGate(TOKEN, async () => 'ok', () => now);
    for (let i = 0; i < 10; i++) expect((await gate.signIn('nope', '10.0.0.1')).status).toBe(401);
    expect((await gate.signIn(TOKEN, '10.0.0.1')).status).toBe(429);
    expect((await gate.signIn(TOKEN, '10.0.0.2')).status).toBe(200);
    now += 5 * 60_000 + 1;
    expect((await gate.signIn(TOKEN, '10.0.0.1')).status).toBe(200);
  });
});
