import { openTestDatabase, type TestDatabase } from '../testing/test-database';
import { DEFAULT_MODEL_PREFERENCE, PreferenceStore } from './preference.store';

describe('PreferenceStore', () => {
  let db: TestDatabase;
  let prefs: PreferenceStore;

  beforeEach(async () => {
    db = await openTestDatabase();
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

  it('stamps updated_at on every write', async () => {
    await prefs.set('k', 'v1');
    const [first] = await db.ds.query(`SELECT updated_at FROM preferences WHERE key = 'k'`);
    await new Promise((r) => setTimeout(r, 5));
    await prefs.set('k', 'v2');
    const [second] = await db.ds.query(`SELECT updated_at FROM preferences WHERE key = 'k'`);
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
