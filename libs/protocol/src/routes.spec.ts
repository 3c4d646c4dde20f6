import { pathParamNames, routePath } from './route-paths';
import { ROUTE_LIST, ROUTES } from './routes';

describe('route table', () => {
  it('has one route per method and path', () => {
    const keys = ROUTE_LIST.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('validates only path parameters its paths have', () => {
    for (const r of ROUTE_LIST) {
      const names = pathParamNames(r.path);
      expect([r.id, Object.keys(r.params?.shape ?? {}).filter((n) => !names.includes(n))]).toEqual([r.id, []]);
    }
  });

  it('gives every body that is not JSON its media types, and no JSON schema', () => {
    for (const r of ROUTE_LIST.filter((x) => x.bodyTypes)) expect([r.id, r.body]).toEqual([r.id, undefined]);
    expect(ROUTES.transcribe.bodyTypes).toContain('audio/*');
  });

  it('fills path parameters, percent-encoded, and refuses a missing one', () => {
    expect(routePath('promoteQueued', { id: 's/1', queuedId: 'q 2' })).toBe('/api/v1/sessions/s%2F1/queue/q%202/promote');
    expect(routePath('listSessions', {})).toBe('/api/v1/sessions');
    expect(() => routePath('getSession', {} as { id: string })).toThrow(/missing path parameter "id"/);
  });
});
