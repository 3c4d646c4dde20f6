import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { ApiProxy } from './api-proxy';

const listen = (server: http.Server) => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
const close = (server: http.Server) => new Promise<void>((r) => server.close(() => r()));

describe('ApiProxy', () => {
  let upstream: http.Server;
  let upstreamWs: WebSocketServer;
  let front: http.Server;
  let proxy: ApiProxy;
  let frontUrl: string;
  let seen: IncomingMessage[];
  let wsUrls: string[];

  beforeAll(async () => {
    seen = [];
    wsUrls = [];
    upstream = http.createServer((req, res) => {
      seen.push(req);
      if (req.url === '/api/v1/stream') {
        res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': 'evil=1' });
        res.write('one,');
        setTimeout(() => res.end('two'), 20);
        return;
      }
      if (req.url === '/api/v1/refuse-early') {
        // As the API does with a body it will not read: answer nothing and drop the connection.
        req.socket.destroy();
        return;
      }
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null }));
      });
    });
    upstreamWs = new WebSocketServer({ server: upstream, path: '/ws' });
    upstreamWs.on('connection', (ws, req) => {
      wsUrls.push(req.url ?? '');
      ws.on('message', (data) => ws.send(`echo:${data.toString()}`));
    });
    const port = await listen(upstream);
    proxy = new ApiProxy(`http://127.0.0.1:${port}`, () => 'the-api-token', pino({ level: 'silent' }));
    front = http.createServer((req, res) => proxy.http(req, res));
    front.on('upgrade', (req, socket, head) => proxy.websocket(req, socket, head));
    frontUrl = `http://127.0.0.1:${await listen(front)}`;
  });

  afterAll(async () => {
    proxy.close();
    upstreamWs.close();
    front.closeAllConnections();
    await close(front);
    upstream.closeAllConnections();
    await close(upstream);
  });

  it('forwards method, path, query and body, replacing the browser’s credentials with the API token', async () => {
    const res = await fetch(`${frontUrl}/api/v1/sessions?limit=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'sb_session=secret', authorization: 'Bearer forged' },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ method: 'POST', url: '/api/v1/sessions?limit=2', body: '{"text":"hi"}', authorization: 'Bearer the-api-token', cookie: null });
  });

  it('streams answers through and never passes cookies from the API to the browser', async () => {
    const res = await fetch(`${frontUrl}/api/v1/stream`);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('one,two');
  });

  it('says the API closed the connection (not that it is unreachable) when it drops a request it accepted, such as an upload too large', async () => {
    const res = await fetch(`${frontUrl}/api/v1/refuse-early`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: new Uint8Array(8 * 1024 * 1024) });
    expect(res.status).toBe(502);
    expect((await res.json()).error).toMatchObject({ code: 'API_CONNECTION_CLOSED', message: expect.stringContaining('larger than the API accepts') });
  });

  it('relays WebSocket frames both ways and adds the token upstream', async () => {
    const ws = new WebSocket(`${frontUrl.replace('http', 'ws')}/ws`);
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const reply = new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
    ws.send('{"id":1}');
    expect(await reply).toBe('echo:{"id":1}');
    expect(wsUrls.at(-1)).toBe('/ws?token=the-api-token');
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    for (const c of upstreamWs.clients) c.close(4000, 'bye');
    expect(await closed).toBe(4000);
  });

  it('answers 502 API_UNREACHABLE, and refuses the WebSocket upgrade, when the API is down', async () => {
    const dead = new ApiProxy('http://127.0.0.1:9', () => 't', pino({ level: 'silent' }));
    const server = http.createServer((req, res) => dead.http(req, res));
    server.on('upgrade', (req, socket, head) => dead.websocket(req, socket, head));
    const url = `http://127.0.0.1:${await listen(server)}`;
    const res = await fetch(`${url}/api/v1/sessions`);
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe('API_UNREACHABLE');
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    const status = await new Promise<number>((r) => {
      ws.once('unexpected-response', (_req, answer) => r(answer.statusCode ?? 0));
      ws.once('error', () => r(-1));
    });
    expect(status).toBe(502);
    dead.close();
    server.closeAllConnections();
    await close(server);
  });
});
