import { resolve } from 'node:path';

/** The dashboard server's settings, read once from the environment. */
export interface WebEnv {
  host: string;
  port: number;
  /** Where the API is (server side only; the browser only ever talks to this server). */
  apiUrl: string;
  /**
   * The API token: SWITCHBOARD_API_TOKEN, else the API's token file in SWITCHBOARD_DATA_DIR
   * (default ./data), like the CLI. When neither exists, the token a user signs in with is
   * checked against the API and kept in memory.
   */
  apiToken: string | null;
  /** Where the token came from (for the start-up log; never the token itself). */
  apiTokenFrom: 'SWITCHBOARD_API_TOKEN' | 'token file' | 'sign-in';
  /** Mark the session cookie Secure (set when the dashboard is served over HTTPS by a proxy). */
  secureCookie: boolean;
  /** The Next.js project directory (holds .next). */
  appDir: string;
  logLevel: string;
  /** WEB_DEV=1: Next.js in development mode (hot reload), same sign-in and proxy. */
  dev: boolean;
}

export class WebEnvError extends Error {
  override name = 'WebEnvError';
}

/** Validates the environment; throws a WebEnvError naming the bad variable. */
export function loadWebEnv(
  env: Record<string, string | undefined>,
  defaults: { appDir: string; readTokenFile?: (dataDir: string) => string | null },
): WebEnv {
  const portText = env.WEB_PORT?.trim() || '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WebEnvError(`WEB_PORT must be a port number (0-65535), got "${portText}".`);
  const apiUrl = (env.SWITCHBOARD_API_URL?.trim() || 'http://127.0.0.1:8787').replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new WebEnvError(`SWITCHBOARD_API_URL must be a URL such as http://127.0.0.1:8787, got "${apiUrl}".`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new WebEnvError('SWITCHBOARD_API_URL must start with http:// or https://.');
  const fromEnv = env.SWITCHBOARD_API_TOKEN?.trim() || null;
  const fromFile = fromEnv ? null : (defaults.readTokenFile?.(resolve(env.SWITCHBOARD_DATA_DIR?.trim() || './data'))?.trim() || null);
  const token = fromEnv ?? fromFile;
  const secure = (env.WEB_COOKIE_SECURE ?? '').trim().toLowerCase();
  return {
    host: env.HOST?.trim() || '127.0.0.1',
    port,
    apiUrl,
    apiToken: token,
    apiTokenFrom: fromEnv ? 'SWITCHBOARD_API_TOKEN' : fromFile ? 'token file' : 'sign-in',
    secureCookie: secure === '1' || secure === 'true',
    appDir: resolve(env.SWITCHBOARD_WEB_DIR?.trim() || defaults.appDir),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    dev: env.WEB_DEV === '1' || env.WEB_DEV === 'true',
  };
}
