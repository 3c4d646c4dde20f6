/** @jest-environment jsdom */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import type { ModelsResponse } from '@switchboard/protocol';
import { ApiProvider } from '../../lib/api-context';
import type { DashboardApi } from '../../lib/dashboard-api';
import { models } from '../../lib/testing/fixtures';
import { SettingsPage } from './settings-page';

const GONE = 'The saved global default model "llama" is no longer available; using "claude" (the config file\'s defaultModel).';

function renderPage(initial: ModelsResponse) {
  let current = initial;
  const saves: string[] = [];
  const client = {
    listModels: async () => current,
    setDefaultModel: async (model: string) => {
      saves.push(model);
      const m = current.models.find((x) => x.id === model)!;
      current = { ...current, defaultModel: { modelConfigId: m.id, source: 'global', label: m.label, warnings: [] } };
      return current;
    },
    listSessions: async () => ({ sessions: [] }),
  } as unknown as DashboardApi['client'];
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ApiProvider value={{ client, connect: async () => Promise.reject(new Error('no socket')) } as unknown as DashboardApi}>
        <SettingsPage />
      </ApiProvider>
    </QueryClientProvider>,
  );
  return { saves };
}

describe('Settings: the global default', () => {
  it('shows the default in use and saves another one when picked', async () => {
    const { saves } = renderPage(models());
    const select = (await screen.findByLabelText('Global default')) as HTMLSelectElement;
    expect(select.value).toBe('main');
    await act(async () => fireEvent.change(select, { target: { value: 'claude' } }));
    expect(saves).toEqual(['claude']);
    await screen.findByRole('status');
  });

  it('when the saved default is gone: warns once, and picking the model in use saves it (clearing the warning)', async () => {
    const { saves } = renderPage(models({ defaultModel: { modelConfigId: 'claude', source: 'global', label: 'Fake Claude', warnings: [GONE] } }));
    const select = (await screen.findByLabelText('Global default')) as HTMLSelectElement;
    expect(screen.getAllByText(GONE)).toHaveLength(1);
    // No model shows as chosen, so the one in use is a change like any other.
    expect(select.value).toBe('');
    expect(screen.getByRole('option', { name: /Choose a default \(Fake Claude in use meanwhile\)/ })).toBeTruthy();
    await act(async () => fireEvent.change(select, { target: { value: 'claude' } }));
    expect(saves).toEqual(['claude']);
    await screen.findByRole('status');
    expect(screen.queryByText(GONE)).toBeNull();
    expect(select.value).toBe('claude');
  });
});
