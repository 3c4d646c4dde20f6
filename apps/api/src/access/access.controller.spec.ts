import { rawRequest, startTestApi, type TestApi, JSON_AUTH_HEADERS } from '../../test/harness';

const auth = JSON_AUTH_HEADERS;

describe('access control routes (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives an unknown user a pending code, the same one until approved, then lets them in', async () => {
    const first = await t.client.checkAccess('telegram', { userId: '1001', username: 'ann', displayName: 'Ann' });
    expect(first).toMatchObject({ allowed: false, pairing: { created: true } });
    expect(first.pairing!.code).toMatch(/^[A-Z2-9]{8}$/);
    const again = await t.client.checkAccess('telegram', { userId: '1001' });
    expect(again.pairing).toEqual({ ...first.pairing, created: false });

    const { pending } = await t.client.listPendingPairings('telegram');
    expect(pending).toEqual([expect.objectContaining({ code: first.pairing!.code, userId: '1001', username: 'ann', displayName: 'Ann' })]);

    const { user } = await t.client.approvePairing('telegram', first.pairing!.code.toLowerCase());
    expect(user).toMatchObject({ channel: 'telegram', userId: '1001', via: 'pairing' });
    expect(await t.client.checkAccess('telegram', { userId: '1001' })).toMatchObject({ allowed: true, user: { userId: '1001' } });
    expect((await t.client.listPendingPairings('telegram')).pending).toEqual([]);
    expect((await t.client.listApprovedUsers('telegram')).users.map((u) => u.userId)).toContain('1001');
  });

  it('answers 404 PAIRING_NOT_FOUND for an unknown or spent code, and changes nothing', async () => {
    await expect(t.client.approvePairing('telegram', 'ZZZZ9999')).rejects.toMatchObject({ status: 404, code: 'PAIRING_NOT_FOUND' });
    const p = await t.client.checkAccess('telegram', { userId: '1002' });
    await t.client.approvePairing('telegram', p.pairing!.code);
    await expect(t.client.approvePairing('telegram', p.pairing!.code)).rejects.toMatchObject({ status: 404, code: 'PAIRING_NOT_FOUND' });
  });

  it('does not create a pairing when asked not to', async () => {
    expect(await t.client.checkAccess('telegram', { userId: '1003', pair: false })).toEqual({ allowed: false });
    expect((await t.client.listPendingPairings('telegram')).pending.map((p) => p.userId)).not.toContain('1003');
  });

  it('lets an admin add and revoke users directly; revoking twice is a no-op', async () => {
    expect((await t.client.addApprovedUser('telegram', { userId: '1004' })).user).toMatchObject({ via: 'admin' });
    expect((await t.client.checkAccess('telegram', { userId: '1004' })).allowed).toBe(true);
    expect(await t.client.revokeUser('telegram', '1004')).toEqual({ revoked: true });
    expect(await t.client.revokeUser('telegram', '1004')).toEqual({ revoked: false });
    expect(await t.client.checkAccess('telegram', { userId: '1004' })).toMatchObject({ allowed: false, pairing: { created: true } });
  });

  it('validates channel, body and token', async () => {
    const bad = await rawRequest(t.api.url, 'POST', '/api/v1/access/fax/check', { body: '{"userId":"1"}', headers: auth });
    expect([bad.status, bad.json.error?.code]).toEqual([400, 'VALIDATION_FAILED']);
    const noUser = await rawRequest(t.api.url, 'POST', '/api/v1/access/telegram/check', { body: '{"userId":"a b"}', headers: auth });
    expect([noUser.status, noUser.json.error?.details?.field]).toEqual([400, 'userId']);
    const anon = await rawRequest(t.api.url, 'GET', '/api/v1/access/telegram/pending');
    expect(anon.status).toBe(401);
  });

  it('expires codes after SWITCHBOARD_PAIRING_TTL_SECONDS', async () => {
    t.env.SWITCHBOARD_PAIRING_TTL_SECONDS = '1';
    await t.restart();
    try {
      const p = await t.client.checkAccess('telegram', { userId: '1005' });
      const ttl = Date.parse(p.pairing!.expiresAt) - Date.now();
      expect(ttl).toBeLessThanOrEqual(1000);
      await new Promise((r) => setTimeout(r, 1100));
      await expect(t.client.approvePairing('telegram', p.pairing!.code)).rejects.toMatchObject({ code: 'PAIRING_NOT_FOUND' });
      expect((await t.client.listPendingPairings('telegram')).pending.map((x) => x.userId)).not.toContain('1005');
      const fresh = await t.client.checkAccess('telegram', { userId: '1005' });
      expect(fresh.pairing!.code).not.toBe(p.pairing!.code);
    } finally {
      delete t.env.SWITCHBOARD_PAIRING_TTL_SECONDS;
    }
  });
});
