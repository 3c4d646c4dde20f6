/** @jest-environment jsdom */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { AddIdentityRequest, Person, PersonLimitKey, UpdatePersonRequest } from '@switchboard/protocol';
import { ApiProvider } from '../../lib/api-context';
import type { DashboardApi } from '../../lib/dashboard-api';
import { person } from '../../lib/testing/fixtures';
import { parseLimitInput, PeoplePage } from './people-page';

const DEFAULTS = { owner: { messagesPerMinute: null, tokensPerDay: null, costPerDayUsd: null }, member: { messagesPerMinute: 10, tokensPerDay: 50_000, costPerDayUsd: null } };

/** An in-memory people API with the server's rules: overrides over role defaults, null clears one. */
function fakeApi(options: { fail?: { status: number; code: string; message: string } } = {}) {
  let people: Person[] = [
    person({ id: 'p-ann', displayName: 'Ann Lee', limits: DEFAULTS.member, identities: [{ channel: 'telegram', peerId: '1001', displayName: 'Ann Lee', linkedAt: '2026-01-01T00:00:00Z' }] }),
    person({ id: 'owner', displayName: 'Owner', role: 'owner', limits: DEFAULTS.owner }),
  ];
  const calls: Array<[string, string, unknown]> = [];
  const find = (id: string) => people.find((p) => p.id === id)!;
  const put = (next: Person) => {
    people = people.map((p) => (p.id === next.id ? next : p));
    return { person: next };
  };
  const client = {
    listPeople: async () => {
      if (options.fail) throw Object.assign(new Error(options.fail.message), options.fail);
      return { people };
    },
    updatePerson: async (id: string, body: UpdatePersonRequest) => {
      calls.push(['update', id, body]);
      const p = find(id);
      const overrides = { ...p.limitOverrides };
      for (const [k, v] of Object.entries(body.limits ?? {}) as Array<[PersonLimitKey, number | null]>) {
        if (v === null) delete overrides[k];
        else overrides[k] = v;
      }
      const role = body.role ?? p.role;
      return put({ ...p, displayName: body.displayName ?? p.displayName, role, limitOverrides: overrides, limits: { ...DEFAULTS[role], ...overrides } });
    },
    addIdentity: async (id: string, body: AddIdentityRequest) => {
      calls.push(['link', id, body]);
      if (!/^\d+$/.test(body.peerId) && body.channel === 'telegram') throw Object.assign(new Error('peerId: a Telegram user id is a number'), { status: 400, code: 'VALIDATION_FAILED' });
      const p = find(id);
      return put({ ...p, identities: [...p.identities, { channel: body.channel, peerId: body.peerId, displayName: null, linkedAt: new Date().toISOString() }] });
    },
    removeIdentity: async (id: string, q: { channel: string; peerId: string }) => {
      calls.push(['unlink', id, q]);
      const p = find(id);
      return put({ ...p, identities: p.identities.filter((i) => !(i.channel === q.channel && i.peerId === q.peerId)) });
    },
  } as unknown as DashboardApi['client'];
  return { api: { client, memory: {} as DashboardApi['memory'], connect: async () => Promise.reject(new Error('no socket')) } as DashboardApi, calls, people: () => people };
}

function renderPage(options: Parameters<typeof fakeApi>[0] = {}) {
  const fake = fakeApi(options);
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <ApiProvider value={fake.api}>
        <PeoplePage />
      </ApiProvider>
    </QueryClientProvider>,
  );
  return fake;
}

const card = async (name: string) => (await screen.findByRole('region', { name })) as HTMLElement;

describe('PeoplePage', () => {
  it('lists the owner first; the owner cannot be demoted, a member has a role choice', async () => {
    renderPage();
    const regions = await screen.findAllByRole('region');
    expect(regions.map((r) => r.getAttribute('data-person-id'))).toEqual(['owner', 'p-ann']);
    expect(within(regions[0]).queryByRole('combobox', { name: /Role of/ })).toBeNull();
    expect(regions[0].querySelector('.badge--owner')?.textContent).toBe('Owner');
    expect((within(regions[1]).getByRole('combobox', { name: 'Role of Ann Lee' }) as HTMLSelectElement).value).toBe('member');
  });

  it('renames a person', async () => {
    const fake = renderPage();
    const ann = await card('Ann Lee');
    fireEvent.click(within(ann).getByRole('button', { name: 'Rename Ann Lee' }));
    fireEvent.change(within(ann).getByLabelText('Display name'), { target: { value: 'Ann L.' } });
    await act(async () => fireEvent.click(within(ann).getByRole('button', { name: /Save/ })));
    await screen.findByRole('heading', { name: 'Ann L.' });
    expect(fake.calls).toContainEqual(['update', 'p-ann', { displayName: 'Ann L.' }]);
  });

  it('links and unlinks an account, and shows why a link was refused', async () => {
    const fake = renderPage();
    const owner = await card('Owner');
    expect(within(owner).getByText(/No linked accounts yet/)).toBeTruthy();
    fireEvent.change(within(owner).getByLabelText('Account id'), { target: { value: 'not-a-number' } });
    await act(async () => fireEvent.click(within(owner).getByRole('button', { name: /Link/ })));
    expect((await within(owner).findByRole('alert')).textContent).toContain('a Telegram user id is a number');

    fireEvent.change(within(owner).getByLabelText('Account id'), { target: { value: '777' } });
    await act(async () => fireEvent.click(within(owner).getByRole('button', { name: /Link/ })));
    const row = await within(owner).findByText('777');
    expect(fake.calls).toContainEqual(['link', 'owner', { channel: 'telegram', peerId: '777' }]);

    fireEvent.click(within(owner).getByRole('button', { name: 'Unlink the telegram account 777' }));
    await act(async () => fireEvent.click(within(owner).getByRole('button', { name: 'Unlink' })));
    await waitFor(() => expect(row.isConnected).toBe(false));
    expect(fake.calls.at(-1)).toEqual(['unlink', 'owner', { channel: 'telegram', peerId: '777' }]);
  });

  it('shows each limit in force and whether it is the role default; sets one, then clears it back with null', async () => {
    const fake = renderPage();
    const ann = await card('Ann Lee');
    const tokens = within(ann).getByRole('group', { name: 'Tokens per day' });
    expect(within(tokens).getByTestId('limit-value').textContent).toBe('50,000 tokens role default');
    expect(within(within(ann).getByRole('group', { name: 'Cost per day' })).getByTestId('limit-value').textContent).toBe('Unlimited role default');

    fireEvent.click(within(tokens).getByRole('button', { name: 'Change tokens per day' }));
    fireEvent.change(within(tokens).getByLabelText('Tokens per day'), { target: { value: '2.5' } });
    await act(async () => fireEvent.click(within(tokens).getByRole('button', { name: /Save/ })));
    expect(within(tokens).getByRole('alert').textContent).toBe('Enter a whole number.');
    fireEvent.change(within(tokens).getByLabelText('Tokens per day'), { target: { value: '20000' } });
    await act(async () => fireEvent.click(within(tokens).getByRole('button', { name: /Save/ })));
    await waitFor(() => expect(within(tokens).getByTestId('limit-value').textContent).toBe('20,000 tokens set for this person'));
    expect(fake.calls.at(-1)).toEqual(['update', 'p-ann', { limits: { tokensPerDay: 20000 } }]);

    await act(async () => fireEvent.click(within(tokens).getByRole('button', { name: 'Use the role default for tokens per day' })));
    await waitFor(() => expect(within(tokens).getByTestId('limit-value').textContent).toBe('50,000 tokens role default'));
    expect(fake.calls.at(-1)).toEqual(['update', 'p-ann', { limits: { tokensPerDay: null } }]);
  });

  it('says when the API has no people routes yet, and offers a retry on other failures', async () => {
    renderPage({ fail: { status: 404, code: 'NOT_FOUND', message: 'Cannot GET' } });
    expect((await screen.findByText(/no people routes yet/)).className).toContain('notice--warn');
  });

  it('offers a retry when people cannot be loaded', async () => {
    renderPage({ fail: { status: 0, code: 'NETWORK', message: 'The dashboard server is not reachable.' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load people: The dashboard server is not reachable.');
    expect(within(alert).getByRole('button', { name: /Retry/ })).toBeTruthy();
  });
});

describe('parseLimitInput', () => {
  it('accepts what the API accepts and says why not otherwise', () => {
    expect(parseLimitInput('messagesPerMinute', ' 12 ')).toEqual({ value: 12 });
    expect(parseLimitInput('tokensPerDay', '100,000')).toEqual({ value: 100_000 });
    expect(parseLimitInput('costPerDayUsd', '$0.5')).toEqual({ value: 0.5 });
    expect(parseLimitInput('messagesPerMinute', '0')).toEqual({ error: 'Enter a number above zero.' });
    expect(parseLimitInput('messagesPerMinute', '200000')).toEqual({ error: 'At most 100,000.' });
    expect(parseLimitInput('tokensPerDay', '')).toEqual({ error: 'Enter a number, or use the role default.' });
  });
});
