import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readability as ReadabilityClass } from '@mozilla/readability';
import type { parseHTML as ParseHtml } from 'linkedom';
import { z } from 'zod';
import type { ToolSpec, WebFetchConfig } from '@switchboard/models';
import { NetworkGuard, systemResolver, type HostResolver, type ResolvedAddress } from './network-guard';

/** Redirects followed before giving up (each hop is checked again). */
export const MAX_REDIRECTS = 5;

/** A fetch that did not give readable text: a refused or unsupported URL, a failed request, an unreadable type. */
export class WebFetchError extends Error {
  constructor(
    readonly code: 'UNSUPPORTED_URL' | 'FETCH_FAILED' | 'TOO_MANY_REDIRECTS' | 'TIMEOUT' | 'UNSUPPORTED_CONTENT',
    message: string,
  ) {
    super(message);
  }
}

/** What web_fetch returns to the model. */
export interface WebPage {
  /** The URL the text came from, after redirects. */
  url: string;
  status: number;
  contentType: string;
  title: string | null;
  text: string;
  /** The body was longer than maxBytes; the text is from its first maxBytes. */
  truncated: boolean;
}

export interface FetchReadableOptions extends Pick<WebFetchConfig, 'allowPrivateNetworks' | 'allowNetworks' | 'maxBytes' | 'timeoutMs'> {
  /** Resolves host names (the system resolver by default; tests inject one). */
  resolve?: HostResolver;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|xhtml\+xml|rss\+xml|atom\+xml|ld\+json|javascript)\b)/;

/**
 * Fetches a URL over http(s) and returns its readable text, refusing addresses the policy does
 * not allow (see fetchGuarded).
 */
export async function fetchReadable(rawUrl: string, options: FetchReadableOptions): Promise<WebPage> {
  const { url, response } = await fetchGuarded(rawUrl, { ...options, accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5' });
  return toPage(url, response);
}

/** What fetchGuarded read: the final URL (after redirects) and its response, the body cut at maxBytes. */
export interface GuardedResponse {
  url: URL;
  response: RawResponse;
}

/**
 * One GET over http(s) within the network policy, the one way web_fetch and remote images
 * reach the network: the host is resolved once per hop, checked, and the connection pinned to
 * that address; redirects are followed by hand (at most MAX_REDIRECTS) and each target checked
 * the same way; the body is read up to maxBytes (`truncated` says it was longer).
 */
export async function fetchGuarded(rawUrl: string, options: FetchReadableOptions & { accept: string }): Promise<GuardedResponse> {
  const guard = new NetworkGuard({ allowPrivateNetworks: options.allowPrivateNetworks, allowNetworks: options.allowNetworks });
  const resolve = options.resolve ?? systemResolver;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let url = parseUrl(rawUrl);
  try {
    for (let hop = 0; ; hop++) {
      const pinned = await guard.resolve(url.hostname, resolve);
      signal.throwIfAborted();
      const res = await request(url, pinned, options.maxBytes, signal, options.accept);
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && location) {
        if (hop >= MAX_REDIRECTS) throw new WebFetchError('TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects from ${rawUrl}`);
        url = parseUrl(new URL(location, url).toString());
        continue;
      }
      return { url, response: res };
    }
  } catch (error) {
    if (timeout.aborted) throw new WebFetchError('TIMEOUT', `${url.toString()} did not answer within ${options.timeoutMs} ms`);
    throw error;
  }
}

function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebFetchError('UNSUPPORTED_URL', `not a URL: ${value.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebFetchError('UNSUPPORTED_URL', `only http and https URLs can be fetched (got ${url.protocol})`);
  if (url.username || url.password) throw new WebFetchError('UNSUPPORTED_URL', 'URLs with credentials are not fetched');
  return url;
}

/** One GET to the pinned address (SNI, certificate check and Host header still use the name). */
function request(url: URL, pinned: ResolvedAddress, maxBytes: number, signal: AbortSignal, accept: string): Promise<RawResponse> {
  // The socket connects to the address that was checked, whatever the name resolves to now.
  const lookup: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<RawResponse>((resolvePromise, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        lookup,
        signal,
        agent: false,
        headers: {
          'user-agent': 'Switchboard web_fetch (+https://github.com/switchboard)',
          accept,
          'accept-encoding': 'identity',
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // A redirect's body is never read.
        if (status >= 300 && status < 400 && res.headers.location) {
          res.destroy();
          resolvePromise({ status, headers: res.headers, body: Buffer.alloc(0), truncated: false });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (truncated) return;
          if (size + chunk.length > maxBytes) {
            chunks.push(chunk.subarray(0, maxBytes - size));
            truncated = true;
            // Enough read: stop the download instead of draining it.
            res.destroy();
            resolvePromise({ status, headers: res.headers, body: Buffer.concat(chunks), truncated });
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolvePromise({ status, headers: res.headers, body: Buffer.concat(chunks), truncated }));
        res.on('error', (err) => reject(new WebFetchError('FETCH_FAILED', `${url.host}: ${err.message}`)));
      },
    );
    req.on('error', (err) => reject(signal.aborted ? err : new WebFetchError('FETCH_FAILED', `${url.host}: ${err.message}`)));
    req.end();
  });
}

function toPage(url: URL, res: RawResponse): WebPage {
  const contentType = String(res.headers['content-type'] ?? 'application/octet-stream');
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (res.status < 200 || res.status >= 300) throw new WebFetchError('FETCH_FAILED', `${url.toString()} answered HTTP ${res.status}`);
  if (!TEXT_TYPES.test(mediaType)) throw new WebFetchError('UNSUPPORTED_CONTENT', `${url.toString()} is ${mediaType}, not a web page or text`);
  const body = decode(res.body, contentType);
  const base = { url: url.toString(), status: res.status, contentType: mediaType, truncated: res.truncated };
  if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') return { ...base, ...readableHtml(body) };
  return { ...base, title: null, text: body.trim() };
}

function decode(body: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    // An unknown charset label: UTF-8 reads most of the web.
    return new TextDecoder('utf-8').decode(body);
  }
}

/* eslint-disable @typescript-eslint/no-require-imports -- the DOM library costs ~70 ms and ~11 MB at start: loaded on the first page read */
let dom: { parseHTML: typeof ParseHtml; Readability: typeof ReadabilityClass } | null = null;
const domLibraries = () =>
  (dom ??= {
    parseHTML: (require('linkedom') as { parseHTML: typeof ParseHtml }).parseHTML,
    Readability: (require('@mozilla/readability') as { Readability: typeof ReadabilityClass }).Readability,
  });
/* eslint-enable @typescript-eslint/no-require-imports */

/** The article text of a page (Readability); the whole body's text when it finds no article. */
function readableHtml(html: string): { title: string | null; text: string } {
  const { parseHTML, Readability } = domLibraries();
  const { document } = parseHTML(html);
  const fallbackTitle = document.querySelector('title')?.textContent?.trim() || null;
  // Readability changes the document it reads; the fallback needs the original.
  const article = new Readability(parseHTML(html).document as unknown as Document).parse();
  if (article?.textContent?.trim()) return { title: article.title?.trim() || fallbackTitle, text: tidy(article.textContent) };
  for (const el of document.querySelectorAll('script, style, noscript, template')) el.remove();
  return { title: fallbackTitle, text: tidy(document.body?.textContent ?? document.documentElement?.textContent ?? '') };
}

function tidy(text: string): string {
  return text
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n[\s]*\n\s*/g, '\n\n')
    .replace(/ *\n */g, '\n')
    .trim();
}

const webFetchInput = z.object({
  url: z.string().min(1).max(4000).describe('the http(s) URL of the page'),
});

/** The web_fetch tool: a page's readable text, within the configured network policy and limits. */
export function webFetchTool(config: WebFetchConfig, resolve?: HostResolver): ToolSpec<z.infer<typeof webFetchInput>, WebPage> {
  return {
    name: 'web_fetch',
    description: 'Fetches a web page (http or https) and returns its readable text and title.',
    input: webFetchInput,
    execute: (input, ctx) =>
      fetchReadable(input.url, {
        allowPrivateNetworks: config.allowPrivateNetworks,
        allowNetworks: config.allowNetworks,
        maxBytes: config.maxBytes,
        timeoutMs: config.timeoutMs,
        ...(resolve ? { resolve } : {}),
        ...(ctx.abortSignal ? { signal: ctx.abortSignal } : {}),
      }),
  };
}
