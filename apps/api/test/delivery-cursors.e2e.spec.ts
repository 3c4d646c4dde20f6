import { SwitchboardApiError } from '@switchboard/protocol';
import { queryDatabase, rawRequest, startTestApi, type TestApi, JSON_AUTH_HEADERS } from './harness';

describe('delivery cursors: per-session, per-consumer, compare-and-set, durable (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('starts at version 0, moves only from the expected version, and survives a restart', async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'cursor-1' });
    expect(await t.client.getDeliveryCursor(s.id, 'telegram')).toEqual({ sessionId: s.id, consumer: 'telegram', seq: 0, messageId: null, delivered: [], version: 0 });

    const first = await t.client.putDeliveryCursor(s.id, 'telegram', { seq: 2, messageId: 'm2', delivered: ['m4'], expectedVersion: 0 });
    expect(first).toEqual({ applied: true, cursor: { sessionId: s.id, consumer: 'telegram', seq: 2, messageId: 'm2', delivered: ['m4'], version: 1 } });
    // A second writer that read version 0 loses and learns what is stored.
    const stale = await t.client.putDeliveryCursor(s.id, 'telegram', { seq: 9, messageId: 'm9', delivered: [], expectedVersion: 0 });
    expect(stale).toEqual({ applied: false, cursor: first.cursor });
    // Racing writers from the same version: exactly one applies.
    const racing = await Promise.all(
      [3, 4, 5].map((seq) => t.client.putDeliveryCursor(s.id, 'telegram', { seq, messageId: `m${seq}`, delivered: [], expectedVersion: 1 })),
    );
    expect(racing.filter((r) => r.applied)).toHaveLength(1);
    // Consumers are independent.
    expect((await t.client.getDeliveryCursor(s.id, 'slack-bridge')).version).toBe(0);

    const stored = await t.client.getDeliveryCursor(s.id, 'telegram');
    await t.restart();
    expect(await t.client.getDeliveryCursor(s.id, 'telegram')).toEqual(stored);
  });

  it('answers 404 for an unknown session and 400 for a bad consumer or body', async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'cursor-2' });
    await expect(t.client.getDeliveryCursor('no-such-session', 'telegram')).rejects.toMatchObject({ status: 404, code: 'SESSION_NOT_FOUND' });
    const bad = await t.client.getDeliveryCursor(s.id, 'Bad Consumer!').catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SwitchboardApiError);
    expect(bad).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    const res = await rawRequest(t.api.url, 'PUT', `/api/v1/sessions/${s.id}/delivery-cursors/telegram`, {
      headers: JSON_AUTH_HEADERS,
      body: JSON.stringify({ seq: -1, messageId: null, delivered: [], expectedVersion: 0 }),
    });
    expect(res.status).toBe(400);
    expect((await t.client.getDeliveryCursor(s.id, 'telegram')).version).toBe(0);
  });

  it('drops a conversation\'s cursors when the conversation is deleted', async () => {
    const s = await t.client.createSession({ channel: 'telegram', peerId: 'cursor-3' });
    const other = await t.client.createSession({ channel: 'telegram', peerId: 'cursor-4' });
    for (const id of [s.id, other.id]) await t.client.putDeliveryCursor(id, 'telegram', { seq: 1, messageId: 'm1', delivered: [], expectedVersion: 0 });
    await t.client.deleteSession(s.id);
    const keys = (await queryDatabase<{ key: string }>(t, `SELECT "key" FROM "preferences" WHERE "key" LIKE 'delivery_cursor:%'`)).map((r) => r.key);
    expect(keys.some((k) => k.includes(s.id))).toBe(false);
    expect(keys.some((k) => k.includes(other.id))).toBe(true);
  });
});
