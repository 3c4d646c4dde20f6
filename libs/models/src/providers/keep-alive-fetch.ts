import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';

/**
 * The `fetch` the providers use: the subset of fetch the AI SDK needs (POST/GET with a string or
 * byte body, headers, an abort signal; a streamed Response), on node:http with keep-alive agents.
 *
 * Why not global fetch: on Node 20 each fetch call builds Request/Headers objects, a fetch
 * controller and an extra web stream around the socket; measured on the turn-overhead bench it
 * was about a tenth of the API's CPU per turn. node:http with a keep-alive agent does the same
 * request for a fraction of that. What it does not do, on purpose: follow redirects (a model API
 * that redirects a POST is misconfigured, and the 3xx reaches the caller as an error) and ask for
 * compressed bodies (it sends no Accept-Encoding, so servers answer in plain text).
 */
export interface KeepAliveFetchOptions {
  /**
   * Idle sockets kept open per host for reuse (default 64). Concurrent calls are never capped:
   * a model stream can last minutes, and a call queued behind others would miss its first token.
   */
  maxFreeSockets?: number;
  /** Extra certificate authorities to trust besides the system's (a provider behind a private CA), PEM. */
  extraCa?: string[];
}

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): typeof fetch {
  const agentOptions = { keepAlive: true, maxFreeSockets: options.maxFreeSockets ?? 64, scheduling: 'lifo' as const };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(options.extraCa?.length ? { ...agentOptions, ca: [...rootCertificates, ...options.extraCa] } : agentOptions);

  const keepAliveFetch = (input: FetchInput, init: FetchInit = {}): Promise<Response> => {
    // Anything this subset does not cover goes to the platform fetch unchanged.
    if (typeof input !== 'string' && !(input instanceof URL)) return fetch(input, init);
    const body = init.body;
    if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) return fetch(input, init);
    const url = typeof input === 'string' ? new URL(input) : input;
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return fetch(input, init);

    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<Response>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: init.method ?? 'GET',
        headers: plainHeaders(init.headers),
        agent: secure ? https : http,
      });
      let settled = false;
      let response: IncomingMessage | null = null;
      // Before the response the request fails; after it, the body stream errors with the reason.
      const onAbort = () => (response ?? req).destroy(abortReason(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanUp = () => signal?.removeEventListener('abort', onAbort);
      req.on('error', (err) => {
        cleanUp();
        if (!settled) {
          settled = true;
          reject(signal?.aborted ? abortReason(signal) : asFetchError(err));
        }
      });
      req.once('response', (res: IncomingMessage) => {
        settled = true;
        response = res;
        res.once('close', cleanUp);
        const status = res.statusCode ?? 502;
        const headers = responseHeaders(res);
        // A null-body status must not carry a stream (the Response constructor refuses it).
        if (status === 204 || status === 205 || status === 304 || init.method === 'HEAD') {
          res.resume();
          resolve(new Response(null, { status, statusText: res.statusMessage, headers }));
          return;
        }
        const stream = Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
        resolve(new Response(stream, { status, statusText: res.statusMessage, headers }));
      });
      req.end(body ?? undefined);
    });
  };
  return keepAliveFetch as typeof fetch;
}

function plainHeaders(headers: FetchInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers || Array.isArray(headers)) {
    for (const [k, v] of headers instanceof Headers ? headers.entries() : headers) out[k] = v;
    return out;
  }
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = String(v);
  return out;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}

/** Network failures look like fetch's: a TypeError whose cause is the socket error. */
function asFetchError(err: unknown): TypeError {
  return new TypeError('fetch failed', { cause: err });
}
