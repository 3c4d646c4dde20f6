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
      list: (query) => client.listMemories(query),
      create: (body) => client.createMemory(body),
      update: (id, body) => client.updateMemory(id, body),
      remove: (id) => client.deleteMemory(id),
      settings: () => client.getMemorySettings(),
      updateSettings: (body) => client.setMemorySettings(body),
    },
    connect: () => client.connect(),
  };
}
