import type { UsageReport } from '@switchboard/protocol';
import { rawRequest, startTestApi, type TestApi, AUTH_HEADERS } from './harness';

const auth = AUTH_HEADERS;

describe('usage across conversations (e2e)', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('adds up every conversation, by role, model and day, over REST and the WebSocket', async () => {
    const a = await t.client.createSession({ channel: 'web', peerId: 'usage-a' });
    const b = await t.client.createSession({ channel: 'api', peerId: 'usage-b' });
    await t.client.sendMessage(a.id, { text: 'first question', wait: true });
    await t.client.sendMessage(a.id, { text: 'second question', wait: true });
    await t.client.sendMessage(b.id, { text: 'a question for the fast model', model: 'quick', wait: true });

    const report = await t.client.getUsageReport();
    const perSession = await Promise.all([a.id, b.id].map((id) => t.client.getUsage(id)));
    // Side work (titles) may still be landing: compare with a fresh report after the per-session reads.
    const settled = await t.client.getUsageReport();
    expect(settled.total.calls).toBe(perSession.reduce((n, u) => n + u.total.calls, 0));
    expect(settled.total.inputTokens).toBe(perSession.reduce((n, u) => n + u.total.inputTokens, 0));
    expect(settled.primary.calls).toBe(3);
    expect(settled.byModel.main.calls).toBeGreaterThanOrEqual(2);
    expect(settled.byModel.quick.calls).toBeGreaterThanOrEqual(1);
    expect(settled.sessionCount).toBe(2);
    expect(settled.sessions.map((s) => s.sessionId).sort()).toEqual([a.id, b.id].sort());
    expect(settled.byDay).toHaveLength(1);
    expect(settled.byDay[0].day).toBe(new Date().toISOString().slice(0, 10));
    expect(report.total.calls).toBeGreaterThanOrEqual(3);

    const socket = await t.socket();
    const viaWs = await socket.call('usage.report', { channel: 'api' });
    expect(viaWs.channel).toBe('api');
    expect(viaWs.sessions.map((s) => s.sessionId)).toEqual([b.id]);
    expect(viaWs.primary.calls).toBe(1);

    const today = new Date().toISOString().slice(0, 10);
    const day = (await rawRequest(t.api.url, 'GET', `/api/v1/usage?from=${today}&to=${today}&limit=1`, { headers: auth })).json as unknown as UsageReport;
    expect(day.sessions).toHaveLength(1);
    expect(day.sessionCount).toBe(2);
    const future = await t.client.getUsageReport({ from: '2999-01-01' });
    expect(future.total.calls).toBe(0);
  });

  it('refuses bad ranges and parameters with 400 VALIDATION_FAILED, and needs the token', async () => {
    for (const q of ['from=yesterday', 'to=2026-13-40', 'from=2026-11-02&to=2026-11-01', 'limit=0', 'limit=abc', 'channel=fax', 'color=red']) {
      const r = await rawRequest(t.api.url, 'GET', `/api/v1/usage?${q}`, { headers: auth });
      expect([q, r.status, r.json.error?.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
    }
    const ws = await t.socket();
    await expect(ws.call('usage.report', { from: 'not a date' } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await rawRequest(t.api.url, 'GET', '/api/v1/usage')).status).toBe(401);
  });
});
