/** @jest-environment jsdom */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ListMemoriesQuery, Memory } from '@switchboard/protocol';
import { ApiProvider } from '../../lib/api-context';
import type { DashboardApi } from '../../lib/dashboard-api';
import { session } from '../../lib/testing/fixtures';
import { MemoryPage, memoryQuery, projectNames } from './memory-page';

const mem = (id: string, content: string, projectId: string | null = null): Memory => ({
  id,
  content,
  scope: projectId ? 'project' : 'global',
  projectId,
  category: null,
  tags: [],
  confidence: 0.9,
  source: 'extracted',
  sourceSessionId: null,
  sourceMessageId: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

function fakeApi() {
  let memories = [mem('g1', 'Likes tea'), mem('p1', 'Uses SQLite', 'switchboard')];
  let settings = { enabled: true, silent: false };
  const queries: ListMemoriesQuery[] = [];
  const memory: DashboardApi['memory'] = {
    list: async (q) => {
      queries.push(q);
      return {
        memories: memories.filter(
          (m) => (!q.scope || m.scope === q.scope) && (!q.projectId || m.projectId === q.projectId) && (!q.q || m.content.toLowerCase().includes(q.q.toLowerCase())),
        ),
      };
    },
    create: async (body) => {
      if (body.content.includes('password')) throw Object.assign(new Error('That looks like a secret.'), { status: 422, code: 'MEMORY_REJECTED', details: { reason: 'SECRET' } });
      const m = mem(`n${memories.length}`, body.content);
      memories = [m, ...memories];
      return { action: 'accepted', reason: 'OK', memory: m };
    },
    update: async (id, body) => {
      memories = memories.map((m) => (m.id === id ? { ...m, content: body.content ?? m.content } : m));
      return memories.find((m) => m.id === id)!;
    },
    remove: async (id) => {
      memories = memories.filter((m) => m.id !== id);
      return { ok: true };
    },
    settings: async () => settings,
    updateSettings: async (patch) => (settings = { ...settings, ...patch }),
  };
  const client = { listSessions: async () => ({ sessions: [session({ id: 's', projectId: 'switchboard' })] }) } as unknown as DashboardApi['client'];
  return { api: { client, memory, connect: async () => Promise.reject(new Error('no socket')) } as DashboardApi, queries, get settings() { return settings; } };
}

function renderPage() {
  const fake = fakeApi();
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ApiProvider value={fake.api}>
        <MemoryPage />
      </ApiProvider>
    </QueryClientProvider>,
  );
  return fake;
}

describe('MemoryPage', () => {
  it('lists memories and filters by project', async () => {
    const fake = renderPage();
    await screen.findByText('Likes tea');
    fireEvent.click(await screen.findByRole('radio', { name: 'Project · switchboard' }));
    await waitFor(() => expect(screen.queryByText('Likes tea')).toBeNull());
    expect(screen.getByText('Uses SQLite')).toBeTruthy();
    expect(fake.queries.at(-1)).toMatchObject({ scope: 'project', projectId: 'switchboard' });
  });

  it('edits and deletes (after a confirmation)', async () => {
    renderPage();
    const item = (await screen.findByText('Likes tea')).closest('li')!;
    fireEvent.click(within(item).getByRole('button', { name: 'Edit memory' }));
    fireEvent.change(within(item).getByLabelText('Memory text'), { target: { value: 'Likes green tea' } });
    await act(async () => fireEvent.click(within(item).getByRole('button', { name: /Save/ })));
    const edited = (await screen.findByText('Likes green tea')).closest('li')!;
    fireEvent.click(within(edited).getByRole('button', { name: 'Delete memory' }));
    fireEvent.click(within(edited).getByRole('button', { name: 'Keep' }));
    fireEvent.click(within(edited).getByRole('button', { name: 'Delete memory' }));
    await act(async () => fireEvent.click(within(edited).getByRole('button', { name: 'Delete' })));
    await waitFor(() => expect(screen.queryByText('Likes green tea')).toBeNull());
  });

  it('shows why the gate refused a memory, and flips the switches', async () => {
    const fake = renderPage();
    await screen.findByText('Likes tea');
    fireEvent.change(screen.getByLabelText('New memory'), { target: { value: 'my password is hunter2' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Remember/ })));
    expect((await screen.findByRole('alert')).textContent).toBe('Not saved: That looks like a secret. (SECRET)');
    const silent = screen.getByRole('switch', { name: 'Silent mode' });
    await waitFor(() => expect((silent as HTMLButtonElement).disabled).toBe(false));
    await act(async () => fireEvent.click(silent));
    await waitFor(() => expect(silent.getAttribute('aria-checked')).toBe('true'));
    expect(fake.settings.silent).toBe(true);
  });
});

describe('memory page helpers', () => {
  it('builds the list query for each filter and the search text', () => {
    expect(memoryQuery({ kind: 'all' }, '')).toEqual({ limit: 200 });
    expect(memoryQuery({ kind: 'global' }, ' coffee ')).toEqual({ limit: 200, scope: 'global', q: 'coffee' });
    expect(memoryQuery({ kind: 'project', projectId: 'switchboard' }, '')).toEqual({ limit: 200, scope: 'project', projectId: 'switchboard' });
  });

  it('collects project names from conversations and memories, sorted, once each', () => {
    expect(projectNames(['beta', null, 'alpha', 'beta'], [mem('m1', 'a', 'gamma'), mem('m2', 'b'), mem('m3', 'c', 'alpha')])).toEqual(['alpha', 'beta', 'gamma']);
  });
});
