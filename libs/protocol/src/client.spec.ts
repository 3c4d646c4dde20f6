import { SwitchboardClient } from './client';
import { ROUTE_PATHS, type RouteId } from './route-paths';

/** A client whose fetch records each call and answers `{}`. */
function recordingClient(token?: string) {
  const calls: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> = [];
  const fetch = (async (url: URL | string, init: RequestInit) => {
    calls.push({ method: String(init.method), url: String(url), headers: init.headers as Record<string, string>, body: init.body });
    return new Response('{}', { status: 200 });
  }) as typeof globalThis.fetch;
  return { client: new SwitchboardClient({ baseUrl: 'http://api.test/', ...(token ? { token } : {}), fetch }), calls };
}

describe('SwitchboardClient on the route table', () => {
  it('calls each route with the method and path of its table entry', async () => {
    const { client, calls } = recordingClient('t0k');
    const cases: Array<[RouteId, () => Promise<unknown>, string]> = [
      ['listSessions', () => client.listSessions({ channel: 'web' }), '/api/v1/sessions?channel=web'],
      ['promoteQueued', () => client.promoteQueued('s/1', 'q1', { interrupt: true }), '/api/v1/sessions/s%2F1/queue/q1/promote'],
      ['revokeUser', () => client.revokeUser('telegram', '42'), '/api/v1/access/telegram/users/42'],
      ['putDeliveryCursor', () => client.putDeliveryCursor('s1', 'telegram', { expectedVersion: 0, seq: 1, messageId: 'm', delivered: [] }), '/api/v1/sessions/s1/delivery-cursors/telegram'],
      ['runJob', () => client.runJob('j1'), '/api/v1/jobs/j1/run'],
      ['getMemoryMetrics', () => client.getMemoryMetrics(), '/api/v1/memories/metrics'],
      ['setMemorySettings', () => client.setMemorySettings({ silent: true }), '/api/v1/settings/memory'],
      ['getUsageReport', () => client.getUsageReport({ from: '2026-01-01' }), '/api/v1/usage?from=2026-01-01'],
    ];
    for (const [id, call, path] of cases) {
      await call();
      const last = calls.at(-1)!;
      expect([id, last.method, last.url]).toEqual([id, ROUTE_PATHS[id][0], 'http://api.test' + path]);
      expect(last.headers.authorization).toBe('Bearer t0k');
    }
  });

  it('sends no authorization header without a token (the dashboard proxy adds it from the cookie)', async () => {
    const { client, calls } = recordingClient();
    await client.transcribe('s1', new Uint8Array([1, 2, 3]), 'audio/ogg');
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://api.test/api/v1/sessions/s1/transcriptions', headers: { 'content-type': 'audio/ogg' } });
    expect(calls[0].headers.authorization).toBeUndefined();
  });
});
