import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import type { Logger } from 'pino';

/** Headers that describe one hop, or carry the browser's credentials: never forwarded. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'cookie',
  'authorization',
  'x-api-key',
  'origin',
  'referer',
]);

/** The error the dashboard answers when the API does not (the browser shows its "API unreachable" screen). */
export function apiUnreachableBody(apiUrl: string): { error: { code: 'API_UNREACHABLE'; message: string } } {
  return { error: { code: 'API_UNREACHABLE', message: `The Switchboard API at ${apiUrl} is not reachable.` } };
}

/**
 * The API took the connection and closed it without an answer: a request it refused before
 * reading its body (an upload larger than it accepts closes the connection early), or a crash.
 * Not "unreachable": the app must not show its API-down screen for it.
 */
export function apiClosedBody(): { error: { code: 'API_CONNECTION_CLOSED'; message: string } } {
  return {
    error: {
      code: 'API_CONNECTION_CLOSED',
      message: 'The API closed the connection before the whole request reached it. For a file, that usually means it is larger than the API accepts.',
    },
  };
}

/** Errors of a connection the API accepted and then dropped (as opposed to one never made). */
const CLOSED_CODES = new Set(['EPIPE', 'ECONNRESET']);

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_HEADERS.has(k)) out[k] = v;
  return out;
}

/**
 * Same-origin proxy to the API: REST under /api and the WebSocket at /ws. The caller has
 * already checked the browser's session; the proxy replaces its credentials with the API token.
 */
export class ApiProxy {
  private readonly target: URL;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  private readonly sockets = new Set<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    apiUrl: string,
    private readonly token: () => string | null,
    private readonly logger: Logger,
  ) {
    this.target = new URL(apiUrl);
    // Half-open connections (a laptop going to sleep) are found by ping and dropped, so the
    // browser notices and reconnects.
    this.heartbeat = setInterval(() => {
      for (const ws of this.sockets) {
        const alive = ws as WebSocket & { sbAlive?: boolean };
        if (alive.sbAlive === false) {
          ws.terminate();
          continue;
        }
        alive.sbAlive = false;
        ws.ping();
      }
    }, 30_000);
    this.heartbeat.unref();
  }

  get apiUrl(): string {
    return this.target.origin + this.target.pathname.replace(/\/+$/, '');
  }

  /** Forwards one HTTP request to the API and streams the answer back. */
  http(req: IncomingMessage, res: ServerResponse): void {
    const lib = this.target.protocol === 'https:' ? https : http;
    const headers = forwardHeaders(req.headers);
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    const upstream = lib.request(
      {
        protocol: this.target.protocol,
        hostname: this.target.hostname,
        port: this.target.port || undefined,
        method: req.method,
        path: this.target.pathname.replace(/\/+$/, '') + (req.url ?? '/'),
        headers,
      },
      (answer) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_HEADERS.has(k) && k !== 'set-cookie') out[k] = v;
        out['cache-control'] ??= 'no-store';
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      this.logger.warn({ err: err.message, path: req.url }, 'API request failed');
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      const closed = CLOSED_CODES.has((err as NodeJS.ErrnoException).code ?? '');
      res.end(JSON.stringify(closed ? apiClosedBody() : apiUnreachableBody(this.apiUrl)));
    });
    req.on('aborted', () => upstream.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** Opens the API's WebSocket first, then accepts the browser's upgrade and pipes frames both ways. */
  websocket(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const token = this.token();
    const url = new URL(this.target.href.replace(/^http/, 'ws'));
    url.pathname = url.pathname.replace(/\/+$/, '') + '/ws';
    if (token) url.searchParams.set('token', token);
    const upstream = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 64 * 1024 * 1024 });
    const refuse = (status: string) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    let accepted = false;
    upstream.once('error', (err) => {
      if (accepted) return;
      this.logger.warn({ err: err.message }, 'API WebSocket not reachable');
      refuse('502 Bad Gateway');
    });
    upstream.once('unexpected-response', (_r, answer) => {
      refuse(`${answer.statusCode ?? 502} ${answer.statusMessage ?? 'Bad Gateway'}`);
      upstream.terminate();
    });
    socket.once('close', () => {
      if (!accepted) upstream.terminate();
    });
    upstream.once('open', () => {
      if (socket.destroyed) {
        upstream.close();
        return;
      }
      accepted = true;
      this.wss.handleUpgrade(req, socket, head, (client) => this.pipe(client, upstream));
    });
  }

  private pipe(client: WebSocket, upstream: WebSocket): void {
    this.sockets.add(client);
    const alive = client as WebSocket & { sbAlive?: boolean };
    alive.sbAlive = true;
    client.on('pong', () => (alive.sbAlive = true));
    const relay = (to: WebSocket) => (data: RawData, isBinary: boolean) => {
      if (to.readyState === WebSocket.OPEN) to.send(data, { binary: isBinary });
    };
    client.on('message', relay(upstream));
    upstream.on('message', relay(client));
    const closeCode = (code: number) => (code >= 1000 && code <= 4999 && code !== 1005 && code !== 1006 && code !== 1015 ? code : 1011);
    client.on('close', (code, reason) => {
      this.sockets.delete(client);
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close(closeCode(code), reason);
    });
    upstream.on('close', (code, reason) => {
      if (client.readyState === WebSocket.OPEN) client.close(closeCode(code), reason);
    });
    client.on('error', () => upstream.terminate());
    upstream.on('error', () => client.terminate());
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    this.wss.close();
  }
}
