import { useSyncExternalStore } from 'react';

export type Connectivity =
  | { state: 'ok' }
  | { state: 'api-unreachable'; apiUrl: string | null }
  | { state: 'server-unreachable' };

/** Whether the dashboard can reach its server and the API; drives the "API unreachable" screen. */
export class ConnectivityStore {
  private value: Connectivity = { state: 'ok' };
  private readonly listeners = new Set<() => void>();

  get = (): Connectivity => this.value;

  set(value: Connectivity): void {
    if (value.state === this.value.state && JSON.stringify(value) === JSON.stringify(this.value)) return;
    this.value = value;
    for (const l of this.listeners) l();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useConnectivity(store: ConnectivityStore): Connectivity {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
