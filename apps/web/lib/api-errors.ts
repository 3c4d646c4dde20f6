/** The parts of an API error the UI needs (SwitchboardApiError, or a fake in tests). */
export interface ApiErrorInfo {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Reads status/code/message from anything thrown by the client. */
export function apiErrorOf(err: unknown): ApiErrorInfo {
  if (err && typeof err === 'object') {
    const e = err as Partial<ApiErrorInfo> & { name?: string };
    if (typeof e.code === 'string' && typeof e.status === 'number') {
      return { status: e.status, code: e.code, message: e.message ?? e.code, details: e.details };
    }
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { status: 0, code: 'TIMEOUT', message: 'The request took too long.' };
    if (e.name === 'TypeError') return { status: 0, code: 'NETWORK', message: 'The dashboard server is not reachable.' };
    if (typeof e.message === 'string') return { status: 0, code: 'UNKNOWN', message: e.message };
  }
  return { status: 0, code: 'UNKNOWN', message: String(err) };
}

/** True for failures of the network path rather than of the request itself. */
export function isConnectivityError(err: unknown): boolean {
  const { code } = apiErrorOf(err);
  return code === 'API_UNREACHABLE' || code === 'NETWORK' || code === 'TIMEOUT';
}

export function isUnauthorized(err: unknown): boolean {
  return apiErrorOf(err).status === 401;
}
