/** @jest-environment jsdom */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { SignInScreen, safeNext } from './sign-in-screen';

describe('safeNext', () => {
  it('only returns paths on this site', () => {
    expect(safeNext('/chat/abc?x=1')).toBe('/chat/abc?x=1');
    expect(safeNext('/settings')).toBe('/settings');
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/signin', 'chat']) expect(safeNext(bad)).toBe('/chat');
  });
});

describe('SignInScreen', () => {
  const realFetch = global.fetch;
  afterEach(() => {
    global.fetch = realFetch;
  });

  function mockFetch(routes: Record<string, { status: number; body: unknown }>) {
    const calls: Array<{ url: string; body?: string }> = [];
    global.fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
      calls.push({ url: String(url), body: init?.body as string | undefined });
      const r = routes[String(url)];
      return { ok: r.status < 400, status: r.status, statusText: '', json: async () => r.body } as Response;
    }) as typeof fetch;
    return calls;
  }

  it('shows the unreachable screen when the API is down', async () => {
    mockFetch({ '/auth/status': { status: 200, body: { signedIn: false, api: { url: 'http://127.0.0.1:8787', reachable: false } } } });
    render(<SignInScreen />);
    expect(await screen.findByRole('heading', { name: 'Can’t reach the Switchboard API' })).toBeTruthy();
    expect(screen.getByText('http://127.0.0.1:8787')).toBeTruthy();
  });

  it('posts the token and shows the server’s refusal', async () => {
    const calls = mockFetch({
      '/auth/status': { status: 200, body: { signedIn: false, api: { url: 'x', reachable: true } } },
      '/auth/login': { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'That token is not valid for this Switchboard.' } } },
    });
    render(<SignInScreen />);
    const input = await screen.findByLabelText('API token');
    await act(async () => undefined);
    fireEvent.change(input, { target: { value: 'wrong-token' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    });
    expect(calls.at(-1)).toEqual({ url: '/auth/login', body: JSON.stringify({ token: 'wrong-token' }) });
    expect(screen.getByRole('alert').textContent).toBe('That token is not valid for this Switchboard.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });
});
