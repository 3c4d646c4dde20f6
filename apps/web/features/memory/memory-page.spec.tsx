/** @jest-environment jsdom */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ListMemoriesQuery, Memory } from '@switchboard/protocol';
import { ApiProvider } from '../../lib/api-context';
import type { DashboardApi } from '../../lib/dashboard-api';
import { person, session } from '../../lib/testing/fixtures';
import { createRequest, defaultTarget, filterKey, GLOBAL_NOTE, MemoryPage, memoryQuery, parseFilterKey, projectNames } from './memory-page';

const mem = (id: string, content: string, projectId: string | null = null, owner: Partial<Memory> = {}): Memory => ({
  id,
  content,
  scope: projectId ? 'project' : 'global',
  projectId,
  personId: null,
  groupId: null,
  ...owner,
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
  let memories = [
    mem('g1', 'Likes tea'),
    mem('p1', 'Uses SQLite', 'switchboard'),
    mem('a1', 'Ann plays the cello', null, { scope: 'person', personId: 'p-ann' }),
    mem('o1', 'I run every morning', null, { scope: 'person', personId: 'owner' }),
    mem('f1', 'The family meets on Sundays', null, { scope: 'group', groupId: 'telegram:-100200' }),
  ];
  let settings = { enabled: true, silent: false };
  const queries: ListMemoriesQuery[] = [];
  const created: unknown[] = [];
  const updates: Array<[string, unknown]> = [];
  const memory: DashboardApi['memory'] = {
    list: async (q) => {
      queries.push(q);
      return {
        memories: memories.filter(
          (m) =>
            (!q.scope || m.scope === q.scope) &&
            (!q.projectId || m.projectId === q.projectId) &&
            (!q.personId || m.personId === q.personId) &&
            (!q.groupId || m.groupId === q.groupId) &&
            (!q.q || m.content.toLowerCase().includes(q.q.toLowerCase())),
        ),
      };
    },
    create: async (body) => {
      created.push(body);
      if (body.content.includes('password')) throw Object.assign(new Error('That looks like a secret.'), { status: 422, code: 'MEMORY_REJECTED', details: { reason: 'SECRET' } });
      const m = mem(`n${memories.length}`, body.content, body.projectId ?? null, { scope: body.scope ?? 'global', personId: body.personId ?? null, groupId: body.groupId ?? null });
      memories = [m, ...memories];
      return { action: 'accepted', reason: 'OK', memory: m };
    },
    update: async (id, body) => {
      updates.push([id, body]);
      memories = memories.map((m) => (m.id === id ? { ...m, content: body.content ?? m.content, ...(body.scope ? { scope: body.scope, personId: null, groupId: null } : {}) } : m));
      return memories.find((m) => m.id === id)!;
    },
    remove: async (id) => {
      memories = memories.filter((m) => m.id !== id);
      return { ok: true };
    },
    settings: async () => settings,
    updateSettings: async (patch) => (settings = { ...settings, ...patch }),
  };
  const client = {
    listSessions: async () => ({
      sessions: [session({ id: 's', projectId: 'switchboard' }), session({ id: 'g', channel: 'telegram', peerId: '-100200', group: '-100200', title: 'Family' })],
    }),
    listPeople: async () => ({ people: [person({ id: 'owner', displayName: 'Sam', role: 'owner' }), person({ id: 'p-ann', displayName: 'Ann Lee' })] }),
  } as unknown as DashboardApi['client'];
  return {
    api: { client, memory, connect: async () => Promise.reject(new Error('no socket')) } as DashboardApi,
    queries,
    created,
    updates,
    get settings() {
      return settings;
    },
  };
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
  const scope = () => screen.getByRole('combobox', { name: 'Scope' }) as HTMLSelectElement;
  const chipOf = (text: string) => screen.getByText(text).closest('li')!.querySelector('[data-testid="memory-scope"]')!.textContent;

  it('lists memories and filters by project', async () => {
    const fake = renderPage();
    await screen.findByText('Likes tea');
    await screen.findByRole('option', { name: 'Project · switchboard' });
    fireEvent.change(scope(), { target: { value: 'project:switchboard' } });
    await waitFor(() => expect(screen.queryByText('Likes tea')).toBeNull());
    expect(screen.getByText('Uses SQLite')).toBeTruthy();
    expect(fake.queries.at(-1)).toMatchObject({ scope: 'project', projectId: 'switchboard' });
  });

  it('offers one filter per person and group (named), shows whose each memory is, and filters by person', async () => {
    const fake = renderPage();
    await screen.findByText('Ann plays the cello');
    await screen.findByRole('option', { name: 'Person · Ann Lee' });
    expect([...scope().options].map((o) => o.textContent)).toEqual([
      'All memories',
      'Global',
      'Person · Sam (you)',
      'Person · Ann Lee',
      'Group · Family',
      'Project · switchboard',
    ]);
    expect(chipOf('Likes tea')).toBe('Global — shared with everyone');
    expect(chipOf('I run every morning')).toBe('You');
    expect(chipOf('Ann plays the cello')).toBe('Ann Lee');
    expect(chipOf('The family meets on Sundays')).toBe('Group · Family');
    expect(chipOf('Uses SQLite')).toBe('Project · switchboard');

    fireEvent.change(scope(), { target: { value: 'person:p-ann' } });
    await waitFor(() => expect(screen.queryByText('Likes tea')).toBeNull());
    expect(screen.queryByText('I run every morning')).toBeNull();
    expect(screen.getByText('Ann plays the cello')).toBeTruthy();
    expect(fake.queries.at(-1)).toEqual({ limit: 200, scope: 'person', personId: 'p-ann' });
    fireEvent.change(scope(), { target: { value: 'group:telegram:-100200' } });
    await waitFor(() => expect(fake.queries.at(-1)).toEqual({ limit: 200, scope: 'group', groupId: 'telegram:-100200' }));
  });

  it("adds to the owner's own memory by default; choosing Global says it is shared with everyone", async () => {
    const fake = renderPage();
    await screen.findByText('Likes tea');
    const target = screen.getByRole('combobox', { name: 'Remember for' }) as HTMLSelectElement;
    expect(target.value).toBe('person:owner');
    expect(screen.queryByText(GLOBAL_NOTE)).toBeNull();
    fireEvent.change(screen.getByLabelText('New memory'), { target: { value: 'Prefers the window seat' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Remember/ })));
    expect(fake.created.at(-1)).toEqual({ content: 'Prefers the window seat', scope: 'person', personId: 'owner' });

    fireEvent.change(target, { target: { value: 'global' } });
    expect(screen.getByText(GLOBAL_NOTE)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('New memory'), { target: { value: 'The office is in Lisbon' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: /Remember/ })));
    expect(fake.created.at(-1)).toEqual({ content: 'The office is in Lisbon', scope: 'global' });
  });

  it('promotes a person memory to global only after a confirmation that says what that means', async () => {
    const fake = renderPage();
    const item = (await screen.findByText('Ann plays the cello')).closest('li')!;
    expect(within((await screen.findByText('Likes tea')).closest('li')!).queryByRole('button', { name: 'Make global' })).toBeNull();
    fireEvent.click(within(item).getByRole('button', { name: 'Make global' }));
    const confirm = within(item).getByRole('group', { name: 'Confirm making this memory global' });
    expect(confirm.textContent).toContain(GLOBAL_NOTE);
    await act(async () => fireEvent.click(within(confirm).getByRole('button', { name: 'Make global' })));
    expect(fake.updates.at(-1)).toEqual(['a1', { scope: 'global' }]);
    await waitFor(() => expect(chipOf('Ann plays the cello')).toBe('Global — shared with everyone'));
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
    expect(memoryQuery({ kind: 'person', personId: 'p-ann' }, '')).toEqual({ limit: 200, scope: 'person', personId: 'p-ann' });
    expect(memoryQuery({ kind: 'group', groupId: 'telegram:-1' }, '')).toEqual({ limit: 200, scope: 'group', groupId: 'telegram:-1' });
  });

  it('round-trips filters through their select values (ids with colons included) and picks where new memories go', () => {
    for (const f of [{ kind: 'all' }, { kind: 'global' }, { kind: 'person', personId: 'p-1' }, { kind: 'group', groupId: 'telegram:-100:x' }, { kind: 'project', projectId: 'a:b' }] as const) {
      expect(parseFilterKey(filterKey(f))).toEqual(f);
    }
    expect(defaultTarget({ kind: 'all' })).toEqual({ kind: 'person', personId: 'owner' });
    expect(defaultTarget({ kind: 'global' })).toEqual({ kind: 'person', personId: 'owner' });
    expect(defaultTarget({ kind: 'project', projectId: 'x' })).toEqual({ kind: 'project', projectId: 'x' });
    expect(createRequest('t', { kind: 'group', groupId: 'telegram:-1' })).toEqual({ content: 't', scope: 'group', groupId: 'telegram:-1' });
  });

  it('collects project names from conversations and memories, sorted, once each', () => {
    expect(projectNames(['beta', null, 'alpha', 'beta'], [mem('m1', 'a', 'gamma'), mem('m2', 'b'), mem('m3', 'c', 'alpha')])).toEqual(['alpha', 'beta', 'gamma']);
  });
});
