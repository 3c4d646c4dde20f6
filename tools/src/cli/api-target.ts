import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ApiTarget {
  url: string;
  token: string | null;
  tokenSource: string;
  /** The token file looked for (in the data directory). */
  tokenFile: string;
}

/** The data directory, as the API finds it: SWITCHBOARD_DATA_DIR, else ./data. */
export function dataDirOf(env: Record<string, string | undefined>): string {
  return resolve(env.SWITCHBOARD_DATA_DIR || './data');
}

/** Where the API is and its token: SWITCHBOARD_API_URL / SWITCHBOARD_API_TOKEN, else the token file in the data directory. */
export function apiTarget(env: Record<string, string | undefined>): ApiTarget {
  const url = (env.SWITCHBOARD_API_URL || `http://127.0.0.1:${env.PORT || 8787}`).replace(/\/+$/, '');
  const file = join(dataDirOf(env), 'api-token');
  if (env.SWITCHBOARD_API_TOKEN) return { url, token: env.SWITCHBOARD_API_TOKEN, tokenSource: 'SWITCHBOARD_API_TOKEN', tokenFile: file };
  if (existsSync(file)) return { url, token: readFileSync(file, 'utf8').trim(), tokenSource: file, tokenFile: file };
  return { url, token: null, tokenSource: 'none', tokenFile: file };
}
