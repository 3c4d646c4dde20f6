import { rawRequest, startTestApi, type TestApi, AUTH_HEADERS } from './harness';

const auth = AUTH_HEADERS;

describe('paging through history (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('pages backward with beforeSeq and forward with afterSeq, over REST and the WebSocket, without gaps', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'history-pages' });
    for (let i = 1; i <= 6; i++) await t.client.sendMessage(s.id, { text: `message ${i}`, wait: true });
    const all = (await t.client.listMessages(s.id)).messages;
    expect(all.length).toBeGreaterThanOrEqual(12);

    // Walk backward from the newest page, 5 at a time, and get the whole history back in order.
    const pages: number[][] = [];
    let page = (await t.client.listMessages(s.id, { limit: 5 })).messages;
    while (page.length > 0) {
      pages.unshift(page.map((m) => m.seq));
      page = (await t.client.listMessages(s.id, { limit: 5, beforeSeq: page[0].seq })).messages;
    }
    expect(pages.flat()).toEqual(all.map((m) => m.seq));
    expect(pages.slice(1).every((p) => p.length === 5)).toBe(true);

    const socket = await t.socket();
    const viaWs = await socket.call('session.messages', { sessionId: s.id, beforeSeq: 3 });
    expect(viaWs.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect((await t.client.listMessages(s.id, { afterSeq: all.length - 2 })).messages.map((m) => m.seq)).toEqual([all.length - 1, all.length]);
  });

  it('refuses beforeSeq with afterSeq, or below 1, with 400 VALIDATION_FAILED', async () => {
    const s = await t.client.createSession({ channel: 'api', peerId: 'history-bad' });
    for (const q of ['beforeSeq=3&afterSeq=1', 'beforeSeq=0', 'beforeSeq=x']) {
      const r = await rawRequest(t.api.url, 'GET', `/api/v1/sessions/${s.id}/messages?${q}`, { headers: auth });
      expect([q, r.status, r.json.error?.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    }
  });
});
