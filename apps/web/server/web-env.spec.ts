import { loadWebEnv, WebEnvError } from './web-env';

describe('loadWebEnv', () => {
  it('has loopback, port 3000 and the local API by default', () => {
    expect(loadWebEnv({}, { appDir: '/app' })).toMatchObject({ host: '127.0.0.1', port: 3000, apiUrl: 'http://127.0.0.1:8787', apiToken: null, secureCookie: false, appDir: '/app' });
  });

  it('reads WEB_PORT (not the API PORT), HOST, the API URL and token', () => {
    const env = loadWebEnv({ PORT: '8787', WEB_PORT: '4000', HOST: '0.0.0.0', SWITCHBOARD_API_URL: 'http://api:9000/', SWITCHBOARD_API_TOKEN: ' tok ', WEB_COOKIE_SECURE: 'true' }, { appDir: '/app' });
    expect(env).toMatchObject({ port: 4000, host: '0.0.0.0', apiUrl: 'http://api:9000', apiToken: 'tok', secureCookie: true, dev: false });
    expect(loadWebEnv({ WEB_DEV: '1' }, { appDir: '/' }).dev).toBe(true);
    expect(loadWebEnv({ SWITCHBOARD_WEB_DIR: '/srv/web ' }, { appDir: '/app' }).appDir).toBe('/srv/web');
  });

  it('falls back to the API token file in SWITCHBOARD_DATA_DIR, like the CLI', () => {
    const read = jest.fn((dir: string) => (dir.endsWith('/srv/data') ? 'from-file-token\n' : null));
    expect(loadWebEnv({ SWITCHBOARD_DATA_DIR: '/srv/data' }, { appDir: '/', readTokenFile: read })).toMatchObject({ apiToken: 'from-file-token', apiTokenFrom: 'token file' });
    expect(loadWebEnv({ SWITCHBOARD_API_TOKEN: 'env-token', SWITCHBOARD_DATA_DIR: '/srv/data' }, { appDir: '/', readTokenFile: read })).toMatchObject({ apiToken: 'env-token', apiTokenFrom: 'SWITCHBOARD_API_TOKEN' });
    expect(loadWebEnv({ SWITCHBOARD_DATA_DIR: '/elsewhere' }, { appDir: '/', readTokenFile: read })).toMatchObject({ apiToken: null, apiTokenFrom: 'sign-in' });
  });

  it('names the bad variable', () => {
    expect(() => loadWebEnv({ WEB_PORT: 'eighty' }, { appDir: '/' })).toThrow(/WEB_PORT/);
    expect(() => loadWebEnv({ SWITCHBOARD_API_URL: 'not a url' }, { appDir: '/' })).toThrow(WebEnvError);
    expect(() => loadWebEnv({ SWITCHBOARD_API_URL: 'ftp://x' }, { appDir: '/' })).toThrow(/http/);
  });
});
