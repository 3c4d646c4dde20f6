import { openTestDatabase, TEST_DIALECTS, type TestDatabase } from '../testing/test-database';
import { DEFAULT_MODEL_PREFERENCE, PreferenceStore } from './preference.store';

describe.each(TEST_DIALECTS)('PreferenceStore on %s', (dialect) => {
  let db: TestDatabase;
  let prefs: PreferenceStore;

  beforeEach(async () => {
    db = await openTestDatabase({ dialect });
    prefs = new PreferenceStore(db.ds.manager);
  });
  afterEach(() => db.close());

  it('sets, overwrites, lists and deletes preferences', async () => {
    expect(await prefs.get(DEFAULT_MODEL_PREFERENCE)).toBeNull();
    await prefs.set(DEFAULT_MODEL_PREFERENCE, 'main');
    await prefs.set('silent_mode', 'on');
    await prefs.set(DEFAULT_MODEL_PREFERENCE, 'claude');
    expect(await prefs.get(DEFAULT_MODEL_PREFERENCE)).toBe('claude');
    expect(await prefs.all()).toEqual({ default_model: 'claude', silent_mode: 'on' });
    expect(await prefs.delete('silent_mode')).toBe(true);
    expect(await prefs.delete('silent_mode')).toBe(false);
    expect(await prefs.all()).toEqual({ default_model: 'claude' });
  });

  it('compare-and-set writes only over the expected value (or into an absent key)', async () => {
    expect(await prefs.compareAndSet('cursor', null, 'v1')).toBe(true);
    expect(await prefs.compareAndSet('cursor', null, 'other')).toBe(false);
    expect(await prefs.compareAndSet('cursor', 'stale', 'v2')).toBe(false);
    expect(await prefs.get('cursor')).toBe('v1');
    expect(await prefs.compareAndSet('cursor', 'v1', 'v2')).toBe(true);
    expect(await prefs.compareAndSet('cursor', 'v1', 'v3')).toBe(false);
    expect(await prefs.get('cursor')).toBe('v2');
    // Racing writers from the same value: exactly one wins.
    const results = await Promise.all(['a', 'b', 'c'].map((v) => prefs.compareAndSet('cursor', 'v2', v)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stamps updated_at on every write', async () => {
    await prefs.set('k', 'v1');
    const [first] = await db.query<{ updated_at: string }>(`SELECT updated_at FROM preferences WHERE key = 'k'`);
    await new Promise((r) => setTimeout(r, 5));
    await prefs.set('k', 'v2');
    const [second] = await db.query<{ updated_at: string }>(`SELECT updated_at FROM preferences WHERE key = 'k'`);
    expect(Date.parse(first.updated_at)).not.toBeNaN();
    expect(second.updated_at > first.updated_at).toBe(true);
  });

  it('persists the global default across a restart', async () => {
    await prefs.set(DEFAULT_MODEL_PREFERENCE, 'main');
    await db.ds.destroy();
    await db.ds.initialize();
    expect(await new PreferenceStore(db.ds.manager).get(DEFAULT_MODEL_PREFERENCE)).toBe('main');
  });
});
