import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ApiTokenInfo {
  token: string;
  /** Where the token came from: the environment, or the file it was read from / written to. */
  source: 'env' | 'file' | 'generated';
  file: string | null;
}

/** The token every route but health requires: from the environment, else generated once and kept 0600 in the data directory. */
export function ensureApiToken(dataDir: string, fromEnv: string | null): ApiTokenInfo {
  if (fromEnv) return { token: fromEnv, source: 'env', file: null };
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'api-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) {
      chmodSync(file, 0o600);
      return { token, source: 'file', file };
    }
  }
  const token = 'sb_' + randomBytes(24).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, source: 'generated', file };
}
