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
      ['uploadAttachment', () => client.uploadAttachment('s1', new Uint8Array([137, 80]), 'image/png', 'my photo.png'), '/api/v1/sessions/s1/attachments?name=my+photo.png'],
      ['getAttachment', () => client.getAttachment('s1', 'a/1'), '/api/v1/sessions/s1/attachments/a%2F1'],
      ['deleteAttachment', () => client.deleteAttachment('s1', 'a1'), '/api/v1/sessions/s1/attachments/a1'],
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

  it('uploads a file as its raw bytes with its type; the content URL serves as an <img src> behind the cookie proxy', async () => {
    const { client, calls } = recordingClient();
    const bytes = new Uint8Array([37, 80, 68, 70]);
    await client.uploadAttachment('s1', bytes, 'application/pdf');
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://api.test/api/v1/sessions/s1/attachments', headers: { 'content-type': 'application/pdf' }, body: bytes });
    expect(client.attachmentContentUrl('s 1', 'a1')).toBe('http://api.test/api/v1/sessions/s%201/attachments/a1/content');
  });

  it('fetches an attachment\'s bytes with the token, and raises its coded error', async () => {
    const seen: Array<Record<string, string>> = [];
    const fetch = (async (url: URL | string, init: RequestInit) => {
      seen.push(init.headers as Record<string, string>);
      return String(url).endsWith('/a1/content')
        ? new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'content-type': 'image/png' } })
        : new Response(JSON.stringify({ error: { code: 'ATTACHMENT_NOT_FOUND', message: 'no' } }), { status: 404 });
    }) as typeof globalThis.fetch;
    const client = new SwitchboardClient({ baseUrl: 'http://api.test', token: 't0k', fetch });
    const got = await client.fetchAttachmentContent('s1', 'a1');
    expect([...got.data]).toEqual([1, 2, 3]);
    expect(got.mediaType).toBe('image/png');
    expect(seen[0].authorization).toBe('Bearer t0k');
    await expect(client.fetchAttachmentContent('s1', 'gone')).rejects.toMatchObject({ status: 404, code: 'ATTACHMENT_NOT_FOUND' });
  });
});
