import { OWNER_PERSON_ID } from '@switchboard/protocol';
import { openDialectTestDatabase, TEST_DIALECTS, type DialectTestDatabase } from '@switchboard/persistence/testing';
import { peopleEntities, peopleMigrations } from '../people-schema';
import { PeopleStore } from './people.store';

describe.each(TEST_DIALECTS)('PeopleStore on %s', (dialect) => {
  let db: DialectTestDatabase;
  let people: PeopleStore;

  beforeEach(async () => {
    db = await openDialectTestDatabase(dialect, { entities: peopleEntities, migrations: peopleMigrations });
    people = new PeopleStore(db.ds.manager);
  });
  afterEach(() => db.close());

  it('lists the owner (made by the migration) first, then everyone by name', async () => {
    const zoe = await people.create({ displayName: 'Zoe', role: 'member' });
    const ada = await people.create({ displayName: 'Ada', role: 'member' });
    expect((await people.list()).map((p) => p.id)).toEqual([OWNER_PERSON_ID, ada.id, zoe.id]);
    expect(await people.get(ada.id)).toEqual(ada);
    expect(await people.get('missing')).toBeNull();
    expect((await people.getMany([zoe.id, 'missing', zoe.id])).map((p) => p.id)).toEqual([zoe.id]);
  });

  it('updates name, role and limits (no overrides stored as none)', async () => {
    const p = await people.create({ displayName: 'Bo', role: 'member' });
    await people.update(p.id, { displayName: 'Bob', limitOverrides: { messagesPerMinute: 3 } });
    expect(await people.get(p.id)).toMatchObject({ displayName: 'Bob', role: 'member', limitOverrides: { messagesPerMinute: 3 } });
    await people.update(p.id, { role: 'owner', limitOverrides: {} });
    expect(await people.get(p.id)).toMatchObject({ role: 'owner', limitOverrides: {} });
  });

  it('links an account, moves it to whoever links it next, and unlinks it only for its person', async () => {
    const a = await people.create({ displayName: 'A', role: 'member' });
    const b = await people.create({ displayName: 'B', role: 'member' });
    await people.link(a.id, { channel: 'telegram', peerId: '42', displayName: '@a' });
    expect((await people.findByIdentity('telegram', '42'))?.id).toBe(a.id);
    expect((await people.get(a.id))?.identities).toEqual([{ channel: 'telegram', peerId: '42', displayName: '@a', linkedAt: expect.any(String) }]);

    await people.link(b.id, { channel: 'telegram', peerId: '42' });
    expect((await people.findByIdentity('telegram', '42'))?.id).toBe(b.id);
    expect((await people.get(a.id))?.identities).toEqual([]);
    expect((await people.get(b.id))?.identities).toEqual([{ channel: 'telegram', peerId: '42', displayName: null, linkedAt: expect.any(String) }]);

    expect(await people.unlink(a.id, 'telegram', '42')).toBe(false);
    expect(await people.unlink(b.id, 'telegram', '42')).toBe(true);
    expect(await people.unlink(b.id, 'telegram', '42')).toBe(false);
    expect(await people.findByIdentity('telegram', '42')).toBeNull();
  });

  it('ends racing links of one account (two replicas pairing it at once) with exactly one owner of it', async () => {
    const candidates = await Promise.all(Array.from({ length: 6 }, (_, i) => people.create({ displayName: `P${i}`, role: 'member' })));
    await Promise.all(candidates.map((p) => people.link(p.id, { channel: 'telegram', peerId: '7' })));
    const holders = (await people.getMany(candidates.map((p) => p.id))).filter((p) => p.identities.length > 0);
    expect(holders).toHaveLength(1);
    expect((await people.findByIdentity('telegram', '7'))?.id).toBe(holders[0].id);
  });

  it('removes a person with their accounts', async () => {
    const p = await people.create({ displayName: 'Gone', role: 'member' });
    await people.link(p.id, { channel: 'telegram', peerId: '9' });
    await people.remove(p.id);
    expect(await people.get(p.id)).toBeNull();
    expect(await people.findByIdentity('telegram', '9')).toBeNull();
  });
});
