import { createPostgresDataSource } from '@switchboard/persistence';
import { openPostgresTestDatabase, type PostgresTestDataSource } from '@switchboard/persistence/testing';
import { peopleEntities, peopleMigrations } from '../people-schema';
import { AccessStore } from './access.store';

const T0 = new Date('2026-01-01T10:00:00.000Z');

// Two connection pools on one PostgreSQL database: what two API replicas have.
describe('AccessStore on PostgreSQL shared by two replicas', () => {
  let db: PostgresTestDataSource;
  let otherDs: ReturnType<typeof createPostgresDataSource>;
  let a: AccessStore;
  let b: AccessStore;

  beforeEach(async () => {
    db = await openPostgresTestDatabase({ entities: peopleEntities, migrations: peopleMigrations });
    otherDs = createPostgresDataSource({ url: db.url, entities: peopleEntities, migrations: peopleMigrations, poolSize: 4 });
    await otherDs.initialize();
    a = new AccessStore(db.ds.manager);
    b = new AccessStore(otherDs.manager);
  });
  afterEach(async () => {
    await otherDs.destroy();
    await db.close();
  });

  it('one user’s messages reaching two replicas at once get one code', async () => {
    for (let i = 0; i < 10; i++) {
      const request = (store: AccessStore) => store.requestPairing({ channel: 'telegram', userId: `u-${i}` }, T0);
      const [fromA, fromB] = await Promise.all([request(a), request(b)]);
      expect(fromA!.code).toBe(fromB!.code);
      expect([fromA!.created, fromB!.created].sort()).toEqual([false, true]);
    }
    expect(await a.listPending('telegram', T0)).toHaveLength(10);
  });

  it('the pending cap holds when strangers arrive on both replicas at once', async () => {
    const requests = Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).requestPairing({ channel: 'telegram', userId: `s-${i}`, maxPending: 5 }, T0));
    const outcomes = await Promise.all(requests);
    expect(outcomes.filter((o) => o !== null)).toHaveLength(5);
    expect(await b.listPending('telegram', T0)).toHaveLength(5);
  });

  it('a code approved on two replicas at once is spent once', async () => {
    const { code } = (await a.requestPairing({ channel: 'telegram', userId: '42', displayName: 'Ann' }, T0))!;
    const results = await Promise.allSettled([a.approvePairing('telegram', code, T0), b.approvePairing('telegram', code, T0)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason).toMatchObject({ code: 'PAIRING_NOT_FOUND' });
    expect(await a.findUser('telegram', '42')).toMatchObject({ via: 'pairing', displayName: 'Ann' });
  });
});
