import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import next from 'next';
import type { Logger } from 'pino';
import { SwitchboardClient, SwitchboardApiError } from '@switchboard/protocol';
import { ApiProxy, apiUnreachableBody } from './api-proxy';
import { AuthGate, type TokenCheck } from './auth-gate';
import { clearCookieHeader, sessionCookieHeader } from './session-cookie';
import type { WebEnv } from './web-env';

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Answers for one request the Next.js app does not see: sign-in, the API proxy, redirects. */
const SECURITY_HEADERS: Record<string, string> = {
  // Everything is served from this origin: no CDN, no external font, no third-party script.
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

const PUBLIC_PAGES = new Set(['/signin']);
const MAX_LOGIN_BODY = 8 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A browser request from another site (checked on everything that changes state). */
function crossSite(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/** Asks the API whether a token is good, through the typed client. */
export function apiTokenChecker(apiUrl: string): (token: string) => Promise<TokenCheck> {
  return async (token) => {
    try {
      await new SwitchboardClient({ baseUrl: apiUrl, token, timeoutMs: 5000 }).listSessions({ limit: 1 });
      return 'ok';
    } catch (err) {
      if (err instanceof SwitchboardApiError && (err.status === 401 || err.status === 403)) return 'invalid';
      return 'unreachable';
    }
  };
}

async function apiReachable(apiUrl: string): Promise<boolean> {
  try {
    await new SwitchboardClient({ baseUrl: apiUrl, timeoutMs: 2500 }).health();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the dashboard: one HTTP server that serves the built Next.js app, the sign-in
 * endpoints under /auth, and a same-origin proxy to the API (/api and /ws), so the browser
 * needs no CORS and never holds the API token.
 */
export async function startWebServer(env: WebEnv, logger: Logger, opts: { checkToken?: (token: string) => Promise<TokenCheck> } = {}): Promise<RunningWebServer> {
  if (!env.dev && !existsSync(join(env.appDir, '.next', 'BUILD_ID'))) {
    throw new Error(`The dashboard is not built (${join(env.appDir, '.next')} is missing): run npm run build.`);
  }
  const gate = new AuthGate(env.apiToken, opts.checkToken ?? apiTokenChecker(env.apiUrl));
  const proxy = new ApiProxy(env.apiUrl, () => gate.apiToken, logger);

  const app = next({ dev: env.dev, dir: env.appDir, hostname: env.host, port: env.port, quiet: !env.dev });
  await app.prepare();
  const nextHandler = app.getRequestHandler() as RequestHandler;
  const nextUpgrade = env.dev ? app.getUpgradeHandler() : null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const path = url.pathname;
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const signedIn = gate.isSignedIn(req);
    const method = req.method ?? 'GET';

    if (path.startsWith('/auth/')) {
      if (method !== 'GET' && crossSite(req)) return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'Cross-site request refused.' } });
      if (path === '/auth/status' && method === 'GET') {
        return sendJson(res, 200, { signedIn, api: { url: proxy.apiUrl, reachable: await apiReachable(env.apiUrl) } });
      }
      if (path === '/auth/login' && method === 'POST') {
        const raw = await readBody(req, MAX_LOGIN_BODY);
        let token: unknown;
        try {
          token = raw === null ? undefined : (JSON.parse(raw) as { token?: unknown }).token;
        } catch {
          token = undefined;
        }
        const result = await gate.signIn(token, req.socket.remoteAddress ?? 'unknown');
        if (!result.ok) {
          logger.info({ code: result.code }, 'dashboard sign-in refused');
          return sendJson(res, result.status, { error: { code: result.code, message: result.message } });
        }
        logger.info('dashboard sign-in');
        return sendJson(res, 200, { ok: true }, { 'set-cookie': sessionCookieHeader(result.cookie!, { secure: env.secureCookie }) });
      }
      if (path === '/auth/logout' && method === 'POST') {
        return sendJson(res, 200, { ok: true }, { 'set-cookie': clearCookieHeader({ secure: env.secureCookie }) });
      }
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'No such route.' } });
    }

    if (path === '/api' || path.startsWith('/api/')) {
      if (!signedIn) return sendJson(res, 401, { error: { code: 'UNAUTHORIZED', message: 'Sign in to the dashboard first.' } });
      if (method !== 'GET' && method !== 'HEAD' && crossSite(req)) return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'Cross-site request refused.' } });
      if (!gate.apiToken) return sendJson(res, 502, apiUnreachableBody(env.apiUrl));
      proxy.http(req, res);
      return;
    }

    const isAsset = path.startsWith('/_next/') || path === '/favicon.ico' || path === '/icon.svg' || path === '/robots.txt';
    if (!isAsset && (method === 'GET' || method === 'HEAD')) {
      if (path === '/') return redirect(res, signedIn ? '/chat' : '/signin');
      if (!signedIn && !PUBLIC_PAGES.has(path)) return redirect(res, `/signin?next=${encodeURIComponent(path + url.search)}`);
      if (signedIn && path === '/signin') return redirect(res, '/chat');
    }
    await nextHandler(req, res);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: (err as Error)?.message, path: req.url }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL', message: 'The dashboard could not answer.' } });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://dashboard.invalid').pathname;
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (path !== '/ws') {
      // In development, Next's hot reload has its own socket.
      if (nextUpgrade && path.startsWith('/_next/')) return void nextUpgrade(req, socket, head);
      return refuse('404 Not Found');
    }
    if (crossSite(req)) return refuse('403 Forbidden');
    if (!gate.isSignedIn(req)) return refuse('401 Unauthorized');
    proxy.websocket(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = env.host.includes(':') ? `[${env.host}]` : env.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    async close() {
      proxy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
