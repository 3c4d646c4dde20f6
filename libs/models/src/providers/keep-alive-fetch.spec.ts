import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createKeepAliveFetch } from './keep-alive-fetch';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
const sockets = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    sockets.add(`${req.socket.remotePort}`);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => sockets.clear());

describe('createKeepAliveFetch', () => {
  const f = createKeepAliveFetch();

  it('sends method, headers and body, and returns status, headers and the body', async () => {
    handler = (req, body, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-test']) });
      res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization }));
    };
    const res = await f(`${base}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'x-test': 'yes' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(await res.json()).toEqual({ method: 'POST', body: '{"a":1}', auth: 'Bearer k' });
  });

  it('accepts a Headers object, a URL and a byte body', async () => {
    handler = (req, body, res) => res.end(`${req.headers['x-h']}|${body}`);
    const res = await f(new URL(`${base}/bytes`), { method: 'PUT', headers: new Headers({ 'x-h': 'from-headers' }), body: new TextEncoder().encode('raw') });
    expect(await res.text()).toBe('from-headers|raw');
  });

  it('streams the body as it arrives and reuses the connection', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      void gate.then(() => res.end('data: two\n\n'));
    };
    const res = await f(`${base}/sse`, { method: 'POST', body: '{}' });
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The first event is readable before the server has finished the response.
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    release();
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe('data: two\n\n');

    handler = (_req, _body, res) => res.end('again');
    expect(await (await f(`${base}/again`)).text()).toBe('again');
    expect(sockets.size).toBe(1);
  });

  it('never queues a call behind others: 100 calls are in flight at once', async () => {
    const waiting: ServerResponse[] = [];
    let allArrived!: () => void;
    const arrived = new Promise<void>((r) => (allArrived = r));
    handler = (_req, _body, res) => {
      waiting.push(res);
      if (waiting.length === 100) allArrived();
    };
    const calls = Array.from({ length: 100 }, (_, i) => f(`${base}/held/${i}`, { method: 'POST', body: '{}' }));
    // Every request reaches the server before any is answered (a capped pool would stall here).
    await arrived;
    for (const res of waiting) res.end('done');
    const bodies = await Promise.all(calls.map(async (c) => (await c).text()));
    expect(bodies.every((b) => b === 'done')).toBe(true);
  });

  it('hands back error statuses as responses (the SDK classifies them)', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(429, { 'retry-after': '2' });
      res.end('{"error":{"message":"slow down"}}');
    };
    const res = await f(`${base}/limited`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(429);
    expect(res.ok).toBe(false);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.text()).toContain('slow down');
  });

  it('gives a null body for 204', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(204);
      res.end();
    };
    const res = await f(`${base}/empty`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });

  it('rejects with AbortError when aborted before the call, and before the response', async () => {
    const pre = new AbortController();
    pre.abort();
    await expect(f(`${base}/x`, { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });

    handler = () => undefined; // never answers
    const ctl = new AbortController();
    const pending = f(`${base}/hang`, { method: 'POST', body: '{}', signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('errors the body stream with AbortError when aborted mid-stream', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: partial\n\n');
    };
    const ctl = new AbortController();
    const res = await f(`${base}/mid`, { method: 'POST', body: '{}', signal: ctl.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails like fetch when nothing listens: TypeError "fetch failed" with the socket error as cause', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = (await f(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).catch((e: unknown) => e)) as TypeError & { cause: { code: string } };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
    expect(err.cause.code).toBe('ECONNREFUSED');
  });

  it('passes what it does not cover (a Request object) to the platform fetch', async () => {
    handler = (req, body, res) => res.end(`${req.method}:${body}`);
    const res = await f(new Request(`${base}/req`, { method: 'POST', body: 'via-request' }));
    expect(await res.text()).toBe('POST:via-request');
  });

  describe('over HTTPS', () => {
    // A self-signed certificate for 127.0.0.1 (test fixture, valid for a century).
    const tls = createTlsServer(
      { key: readFileSync(join(__dirname, 'testdata/self-signed.key.pem')), cert: readFileSync(join(__dirname, 'testdata/self-signed.cert.pem')) },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: secure\n\n');
      },
    );
    let tlsBase = '';
    beforeAll(async () => {
      await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
      tlsBase = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      tls.closeAllConnections();
      await new Promise((r) => tls.close(r));
    });

    it('verifies the certificate: an untrusted one fails like fetch', async () => {
      const err = (await f(`${tlsBase}/v1/chat`, { method: 'POST', body: '{}' }).catch((e: unknown) => e)) as TypeError & { cause: { code: string } };
      expect(err).toBeInstanceOf(TypeError);
      expect(err.cause.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    });

    it('streams over TLS from a server whose CA is trusted', async () => {
      const trusting = createKeepAliveFetch({ extraCa: [readFileSync(join(__dirname, 'testdata/self-signed.cert.pem'), 'utf8')] });
      const res = await trusting(`${tlsBase}/v1/chat`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('data: secure\n\n');
    });
  });
});
