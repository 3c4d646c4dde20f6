/** Calls to the dashboard server's own sign-in endpoints (not the API: they set and clear the cookie). */
export interface AuthStatus {
  signedIn: boolean;
  api: { url: string; reachable: boolean };
}

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new AuthError(0, 'NETWORK', 'The dashboard server is not reachable.');
  }
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } } & T;
  if (!res.ok) throw new AuthError(res.status, json.error?.code ?? `HTTP_${res.status}`, json.error?.message ?? res.statusText);
  return json;
}

export const authClient = {
  status: () => call<AuthStatus>('GET', '/auth/status'),
  signIn: (token: string) => call<{ ok: true }>('POST', '/auth/login', { token }),
  signOut: () => call<{ ok: true }>('POST', '/auth/logout', {}),
};
