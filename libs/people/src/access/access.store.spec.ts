import { PAIRING_CODE_ALPHABET, PAIRING_CODE_LENGTH } from '@switchboard/protocol';
import { openTestDatabase, type TestDatabase } from '../testing/test-database';
import { AccessStore, generatePairingCode } from './access.store';

const T0 = new Date('2026-01-01T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

describe('AccessStore', () => {
  let db: TestDatabase;
  let access: AccessStore;

  beforeEach(async () => {
    db = await openTestDatabase();
    access = new AccessStore(db.ds.manager);
  });
  afterEach(() => db.close());

  it('generates short codes from the unambiguous alphabet', () => {
    const codes = new Set(Array.from({ length: 200 }, () => generatePairingCode()));
    expect(codes.size).toBeGreaterThan(195);
    for (const code of codes) {
      expect(code).toHaveLength(PAIRING_CODE_LENGTH);
      for (const ch of code) expect(PAIRING_CODE_ALPHABET).toContain(ch);
      expect(code).not.toMatch(/[01OIL]/);
    }
  });

  it('hands out one pending code per user until it expires, then a new one', async () => {
    const first = await access.requestPairing({ channel: 'telegram', userId: '42', username: 'ann', ttlMs: 60_000 }, T0);
    expect(first).toMatchObject({ created: true, expiresAt: later(60_000).toISOString() });
    const again = await access.requestPairing({ channel: 'telegram', userId: '42', ttlMs: 60_000 }, later(30_000));
    expect(again).toEqual({ ...first, created: false });
    expect(await access.listPending('telegram', later(30_000))).toEqual([
      { channel: 'telegram', code: first!.code, userId: '42', username: 'ann', displayName: null, createdAt: T0.toISOString(), expiresAt: first!.expiresAt },
    ]);
    // Expired: not listed, not approvable, and the next request issues a fresh code.
    expect(await access.listPending('telegram', later(61_000))).toEqual([]);
    await expect(access.approvePairing('telegram', first!.code, later(61_000))).rejects.toMatchObject({ code: 'PAIRING_NOT_FOUND' });
    const fresh = await access.requestPairing({ channel: 'telegram', userId: '42', ttlMs: 60_000 }, later(61_000));
    expect(fresh!.created).toBe(true);
    expect(fresh!.code).not.toBe(first!.code);
  });

  it('approves a code once (case and separators ignored), letting the user in', async () => {
    const p = await access.requestPairing({ channel: 'telegram', userId: '7', displayName: 'Bo' }, T0);
    expect(await access.findUser('telegram', '7')).toBeNull();
    const typed = `${p!.code.slice(0, 4).toLowerCase()}-${p!.code.slice(4)}`;
    const user = await access.approvePairing('telegram', typed, later(1000));
    expect(user).toEqual({ channel: 'telegram', userId: '7', username: null, displayName: 'Bo', via: 'pairing', approvedAt: later(1000).toISOString() });
    expect(await access.findUser('telegram', '7')).toEqual(user);
    expect(await access.listPending('telegram', later(1000))).toEqual([]);
    // One-time: the spent code never matches again.
    await expect(access.approvePairing('telegram', p!.code, later(2000))).rejects.toMatchObject({ code: 'PAIRING_NOT_FOUND' });
  });

  it('keeps channels apart', async () => {
    const p = await access.requestPairing({ channel: 'telegram', userId: '7' }, T0);
    await expect(access.approvePairing('web', p!.code, T0)).rejects.toMatchObject({ code: 'PAIRING_NOT_FOUND' });
    await access.addUser({ channel: 'web', userId: '7', via: 'admin' }, T0);
    expect(await access.findUser('telegram', '7')).toBeNull();
  });

  it('revokes: the next request starts a new pairing', async () => {
    const p = await access.requestPairing({ channel: 'telegram', userId: '9' }, T0);
    await access.approvePairing('telegram', p!.code, T0);
    expect(await access.revokeUser('telegram', '9')).toBe(true);
    expect(await access.revokeUser('telegram', '9')).toBe(false);
    expect(await access.findUser('telegram', '9')).toBeNull();
    const next = await access.requestPairing({ channel: 'telegram', userId: '9' }, later(1000));
    expect(next).toMatchObject({ created: true });
    expect(next!.code).not.toBe(p!.code);
  });

  it('caps unexpired pending requests per channel and stores nothing beyond the cap', async () => {
    for (const id of ['1', '2', '3']) expect(await access.requestPairing({ channel: 'telegram', userId: id, maxPending: 3 }, T0)).not.toBeNull();
    expect(await access.requestPairing({ channel: 'telegram', userId: '4', maxPending: 3 }, T0)).toBeNull();
    // Someone who already has a code still gets it back.
    expect(await access.requestPairing({ channel: 'telegram', userId: '2', maxPending: 3 }, T0)).toMatchObject({ created: false });
    expect(await access.listPending('telegram', T0)).toHaveLength(3);
    expect(await access.requestPairing({ channel: 'telegram', userId: '4', maxPending: 3, ttlMs: 1000 }, later(2 * 3600_000))).not.toBeNull();
  });

  it('lists and adds users directly (admin), refreshing names on a repeat', async () => {
    await access.addUser({ channel: 'telegram', userId: '1', username: 'a', via: 'admin' }, T0);
    await access.addUser({ channel: 'telegram', userId: '2', via: 'admin' }, later(1));
    await access.addUser({ channel: 'telegram', userId: '1', username: 'a2', via: 'admin' }, later(2));
    const users = await access.listUsers('telegram');
    expect(users.map((u) => [u.userId, u.username])).toEqual([
      ['1', 'a2'],
      ['2', null],
    ]);
  });
});
