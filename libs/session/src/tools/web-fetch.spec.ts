import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { switchboardConfigSchema, type WebFetchConfig } from '@switchboard/models';
import { builtinTools } from '../turns/builtin-tools';
import type { SessionRepository } from '../store/session-repository';
import type { Delegator } from '../delegation/delegator';
import { BlockedAddressError, classifyAddress, type HostResolver } from './network-guard';
import { fetchReadable, webFetchTool, type FetchReadableOptions } from './web-fetch';

const ARTICLE = `<!doctype html><html><head><title>Tide tables | Harbour News</title><script>var tracker = "SECRET_SCRIPT";</script></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Tide tables</h1>
${Array.from({ length: 6 }, (_, i) => `<p>Paragraph ${i}: the spring tide in the harbour reaches its height twice a day, and the fishing boats leave an hour before it, as they have done for centuries.</p>`).join('\n')}
</article><footer>Copyright Harbour News</footer></body></html>`;

describe('web_fetch', () => {
  let server: http.Server;
  let port: number;
  const seen: Array<{ url: string; host: string | undefined }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', host: req.headers.host });
      const url = new URL(req.url ?? '/', 'http://x');
      switch (url.pathname) {
        case '/article':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE);
          return;
        case '/plain':
          res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from('caf\xe9 au lait', 'latin1'));
          return;
        case '/redirect':
          res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
          return;
        case '/loop':
          res.writeHead(301, { location: '/loop' }).end();
          return;
        case '/big':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000));
          return;
        case '/image':
          res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(10));
          return;
        case '/missing':
          res.writeHead(404, { 'content-type': 'text/html' }).end('<p>nope</p>');
          return;
        case '/slow':
          // Never answers: the caller's time limit has to end it.
          return;
        default:
          res.writeHead(500).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const defaults: FetchReadableOptions = { allowPrivateNetworks: false, allowNetworks: [], maxBytes: 1_000_000, timeoutMs: 5000 };
  // The test server is on loopback: these options allow exactly its address, nothing else private.
  const toTestServer: FetchReadableOptions = { ...defaults, allowNetworks: ['127.0.0.1/32'] };
  /** A resolver that answers from a table (and counts its calls), as DNS would. */
  const fakeDns = (table: Record<string, string[]>) => {
    const calls: string[] = [];
    const resolve: HostResolver = async (host) => {
      calls.push(host);
      const addresses = table[host];
      if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { resolve, calls };
  };

  it('returns the readable text of a page on a loopback server when private networks are allowed', async () => {
    const page = await fetchReadable(`http://127.0.0.1:${port}/article`, { ...defaults, allowPrivateNetworks: true });
    expect(page).toMatchObject({ url: `http://127.0.0.1:${port}/article`, status: 200, contentType: 'text/html', truncated: false });
    expect(page.title).toMatch(/Tide tables/);
    expect(page.text).toContain('Paragraph 0: the spring tide in the harbour');
    expect(page.text).toContain('Paragraph 5:');
    expect(page.text).not.toContain('SECRET_SCRIPT');
    expect(page.text).not.toContain('<p>');
  });

  it('decodes the charset a text response names', async () => {
    const page = await fetchReadable(`http://127.0.0.1:${port}/plain`, toTestServer);
    expect(page).toMatchObject({ contentType: 'text/plain', title: null, text: 'café au lait' });
  });

  it('refuses loopback by default, before connecting', async () => {
    await expect(fetchReadable(`http://127.0.0.1:${port}/article`, defaults)).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    await expect(fetchReadable(`http://[::1]:${port}/article`, defaults)).rejects.toBeInstanceOf(BlockedAddressError);
    expect(seen).toEqual([]);
  });

  it('refuses a name that resolves to loopback (localhost through the system resolver, and an injected DNS answer)', async () => {
    await expect(fetchReadable(`http://localhost:${port}/article`, defaults)).rejects.toThrow(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    const dns = fakeDns({ 'innocent.example': ['93.184.215.14', '127.0.0.1'] });
    await expect(fetchReadable(`http://innocent.example:${port}/article`, { ...defaults, resolve: dns.resolve })).rejects.toThrow(/loopback/);
    expect(seen).toEqual([]);
  });

  it('re-checks every redirect: an allowed host cannot send the fetch to a private, loopback or metadata address', async () => {
    const dns = fakeDns({ 'public.example': ['127.0.0.1'], 'rebind.example': ['192.168.1.1'] });
    const from = (to: string) => fetchReadable(`http://public.example:${port}/redirect?to=${encodeURIComponent(to)}`, { ...toTestServer, resolve: dns.resolve });
    await expect(from(`http://127.0.0.2:${port}/article`)).rejects.toThrow(/127\.0\.0\.2 is a loopback address/);
    await expect(from('http://169.254.169.254/latest/meta-data/')).rejects.toThrow(/metadata address/);
    await expect(from('http://10.1.2.3/')).rejects.toThrow(/10\.1\.2\.3 is a private address/);
    await expect(from('http://[fd00:ec2::254]/')).rejects.toThrow(/metadata address/);
    await expect(from(`http://rebind.example:${port}/`)).rejects.toThrow(/rebind\.example \(192\.168\.1\.1\) is a private address/);
    await expect(from('file:///etc/passwd')).rejects.toThrow(/only http and https/);
    // Each first hop reached the server; no redirect target did.
    expect(seen.map((s) => s.url.split('?')[0])).toEqual(Array(6).fill('/redirect'));
  });

  it('follows redirects it allows, up to a limit', async () => {
    const page = await fetchReadable(`http://127.0.0.1:${port}/redirect?to=/article`, toTestServer);
    expect(page.url).toBe(`http://127.0.0.1:${port}/article`);
    expect(page.text).toContain('Paragraph 3');
    await expect(fetchReadable(`http://127.0.0.1:${port}/loop`, toTestServer)).rejects.toMatchObject({ code: 'TOO_MANY_REDIRECTS' });
    expect(seen.filter((s) => s.url === '/loop')).toHaveLength(6);
  });

  it('resolves a name once and connects to the address it checked, keeping the name in the Host header', async () => {
    let answers = 0;
    // A rebinding resolver: a checked address first, loopback-looking private ones after.
    const resolve: HostResolver = async () => (answers++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }]);
    const page = await fetchReadable(`http://pinned.example:${port}/article`, { ...toTestServer, resolve });
    expect(page.text).toContain('Paragraph 1');
    expect(answers).toBe(1);
    expect(seen).toEqual([{ url: '/article', host: `pinned.example:${port}` }]);
  });

  it('keeps metadata addresses refused even with private networks allowed', async () => {
    const open = { ...defaults, allowPrivateNetworks: true };
    await expect(fetchReadable('http://169.254.169.254/latest/meta-data/', open)).rejects.toThrow(/metadata/);
    await expect(fetchReadable('http://[::ffff:a9fe:a9fe]/', open)).rejects.toThrow(/metadata/);
    await expect(fetchReadable('http://0.0.0.0/', open)).rejects.toThrow(/reserved/);
  });

  it('cuts a body at maxBytes and says so', async () => {
    const page = await fetchReadable(`http://127.0.0.1:${port}/big`, { ...toTestServer, maxBytes: 2048 });
    expect(page.truncated).toBe(true);
    expect(page.text).toHaveLength(2048);
  });

  it('gives up at the time limit', async () => {
    const t0 = Date.now();
    await expect(fetchReadable(`http://127.0.0.1:${port}/slow`, { ...toTestServer, timeoutMs: 300 })).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('refuses other schemes, credentials, unreadable types and error statuses with clear errors', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'javascript:alert(1)', 'not a url']) {
      await expect(fetchReadable(url, defaults)).rejects.toMatchObject({ code: 'UNSUPPORTED_URL' });
    }
    await expect(fetchReadable(`http://user:pw@127.0.0.1:${port}/article`, toTestServer)).rejects.toMatchObject({ code: 'UNSUPPORTED_URL' });
    await expect(fetchReadable(`http://127.0.0.1:${port}/image`, toTestServer)).rejects.toThrow(/is image\/png, not a web page/);
    await expect(fetchReadable(`http://127.0.0.1:${port}/missing`, toTestServer)).rejects.toThrow(/answered HTTP 404/);
    await expect(fetchReadable('http://nowhere.example/', { ...defaults, resolve: fakeDns({}).resolve })).rejects.toThrow(/ENOTFOUND/);
  });

  it('classifies addresses', () => {
    const table: Record<string, string | null> = {
      '8.8.8.8': null,
      '172.32.0.1': null,
      '2606:4700:4700::1111': null,
      '127.1.2.3': 'loopback',
      '::1': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '2002:7f00:1::': 'loopback',
      '10.0.0.1': 'private',
      '172.16.5.4': 'private',
      '192.168.0.1': 'private',
      '100.64.0.1': 'private',
      'fd12:3456::1': 'private',
      '64:ff9b::10.0.0.1': 'private',
      '169.254.1.1': 'link-local',
      'fe80::1': 'link-local',
      '169.254.169.254': 'metadata',
      'FD00:EC2::254': 'metadata',
      '100.100.100.200': 'metadata',
      '0.0.0.0': 'reserved',
      '::': 'reserved',
      '224.0.0.1': 'reserved',
      'ff02::1': 'reserved',
    };
    expect(Object.fromEntries(Object.keys(table).map((a) => [a, classifyAddress(a)]))).toEqual(table);
  });

  it('is a built-in tool only when enabled, with settings from the config file', async () => {
    const config = switchboardConfigSchema.parse({});
    expect(config.tools.webFetch).toEqual({ enabled: false, allowPrivateNetworks: false, allowNetworks: [], maxBytes: 2_000_000, timeoutMs: 15_000 });
    const deps = { repo: {} as SessionRepository, delegator: {} as Delegator };
    expect(builtinTools({ ...deps, webFetch: config.tools.webFetch }).map((t) => t.name)).toEqual(['current_time', 'session_info', 'complex_reasoning']);
    const enabled: WebFetchConfig = switchboardConfigSchema.parse({ tools: { webFetch: { enabled: true, allowNetworks: ['127.0.0.1', '::1/128'] } } }).tools.webFetch;
    const tool = builtinTools({ ...deps, webFetch: enabled }).find((t) => t.name === 'web_fetch');
    expect(tool).toBeDefined();
    const ctx = { sessionId: 's', turnId: 't', channel: 'web', peerId: 'p', projectId: null };
    await expect(tool!.execute({ url: `http://127.0.0.1:${port}/article` }, ctx)).resolves.toMatchObject({ status: 200 });
    await expect(webFetchTool(enabled).execute({ url: `http://127.0.0.2:${port}/article` }, ctx)).rejects.toBeInstanceOf(BlockedAddressError);
    for (const bad of ['10.0.0.0/33', '999.1.1.1', 'example.com', '::1/129', '1::2::3']) {
      expect(switchboardConfigSchema.safeParse({ tools: { webFetch: { allowNetworks: [bad] } } }).success).toBe(false);
    }
    expect(switchboardConfigSchema.safeParse({ tools: { webFetch: { allowNetworks: ['fd12::/64', '::ffff:10.0.0.1', '192.168.1.0/24'] } } }).success).toBe(true);
  });
});
