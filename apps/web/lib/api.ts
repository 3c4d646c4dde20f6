import { SwitchboardClient } from '@switchboard/protocol/client';
import type { DashboardApi } from './dashboard-api';

/**
 * The browser's API: the typed client pointed at this origin. The dashboard server proxies
 * /api and /ws to the API and adds the token, so the client here carries none (the session
 * cookie is sent by the browser). Imported from the client module alone so the browser bundle
 * does not pull the protocol's zod schemas.
 */
export function createDashboardApi(origin: string = window.location.origin): DashboardApi {
  const client = new SwitchboardClient({ baseUrl: origin, timeoutMs: 60_000 });
  return {
    client,
    memory: {
      list: (query) => client.request('GET', '/api/v1/memories', undefined, query),
      create: (body) => client.request('POST', '/api/v1/memories', body),
      update: (id, body) => client.request('PATCH', `/api/v1/memories/${encodeURIComponent(id)}`, body),
      remove: (id) => client.request('DELETE', `/api/v1/memories/${encodeURIComponent(id)}`),
      settings: () => client.request('GET', '/api/v1/settings/memory'),
      updateSettings: (body) => client.request('PUT', '/api/v1/settings/memory', body),
    },
    connect: () => client.connect(),
  };
}
