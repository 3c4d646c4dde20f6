import { ErrorCode } from '@switchboard/protocol';
import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { SESSION_MODEL_KEY, SessionConfigStore } from './session-config.store';
import { SessionStore } from './session.store';

describe.each(TEST_DIALECTS)('SessionConfigStore on %s', (dialect) => {
  let db: TestDatabase;
  let config: SessionConfigStore;
  let a: string;
  let b: string;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    config = new SessionConfigStore(db.ds.manager);
    const sessions = new SessionStore(db.ds.manager);
    a = (await sessions.getOrCreate({ channel: 'telegram', peerId: '1' })).session.id;
    b = (await sessions.getOrCreate({ channel: 'telegram', peerId: '2' })).session.id;
  });
  afterEach(() => db.close());

  it('sets, reads and overwrites a value per session', async () => {
    expect(await config.get(a, SESSION_MODEL_KEY)).toBeNull();
    await config.set(a, SESSION_MODEL_KEY, 'fast');
    await config.set(b, SESSION_MODEL_KEY, 'local');
    await config.set(a, SESSION_MODEL_KEY, 'complex');
    expect(await config.get(a, SESSION_MODEL_KEY)).toBe('complex');
    expect(await config.get(b, SESSION_MODEL_KEY)).toBe('local');
  });

  it('survives a restart (a new connection to the same file)', async () => {
    await config.set(a, SESSION_MODEL_KEY, 'fast');
    await db.ds.destroy();
    await db.ds.initialize();
    expect(await new SessionConfigStore(db.ds.manager).get(a, SESSION_MODEL_KEY)).toBe('fast');
  });

  it('getAll returns every key of one session', async () => {
    await config.set(a, 'model', 'fast');
    await config.set(a, 'memory', 'off');
    await config.set(b, 'model', 'local');
    expect(await config.getAll(a)).toEqual({ memory: 'off', model: 'fast' });
    expect(await config.getAll('missing')).toEqual({});
  });

  it('delete removes one key and says whether it existed', async () => {
    await config.set(a, 'model', 'fast');
    await config.set(a, 'memory', 'off');
    expect(await config.delete(a, 'model')).toBe(true);
    expect(await config.delete(a, 'model')).toBe(false);
    expect(await config.getAll(a)).toEqual({ memory: 'off' });
  });

  it('clear removes every key of one session only', async () => {
    await config.set(a, 'model', 'fast');
    await config.set(a, 'memory', 'off');
    await config.set(b, 'model', 'local');
    expect(await config.clear(a)).toBe(2);
    expect(await config.getAll(a)).toEqual({});
    expect(await config.getAll(b)).toEqual({ model: 'local' });
  });

  it('throws SESSION_NOT_FOUND when setting on an unknown session', async () => {
    await expect(config.set('missing', 'model', 'fast')).rejects.toMatchObject({ code: ErrorCode.SESSION_NOT_FOUND });
  });

  it('getMany reads one key for many sessions at once, leaving out sessions without it', async () => {
    await config.set(a, SESSION_MODEL_KEY, 'fast');
    await config.set(a, 'memory', 'off');
    await config.set(b, 'memory', 'on');
    expect(await config.getMany([a, b], SESSION_MODEL_KEY)).toEqual(new Map([[a, 'fast']]));
    expect(await config.getMany([], SESSION_MODEL_KEY)).toEqual(new Map());
  });
});
