'use client';
import { createContext, useContext } from 'react';
import type { DashboardApi } from './dashboard-api';

const ApiContext = createContext<DashboardApi | null>(null);

export const ApiProvider = ApiContext.Provider;

/** The API of the signed-in dashboard (a fake one in component tests). */
export function useApi(): DashboardApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside <ApiProvider>');
  return api;
}
