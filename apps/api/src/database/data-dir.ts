import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The SQLite database file inside the data directory. */
export const DATABASE_FILE = 'switchboard.sqlite';

// SQLite gives its -wal and -shm files the database file's mode, so a private database keeps them private.
const PRIVATE_FILES = [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, 'api-token'];

/**
 * Makes the data directory private before anything is written: the directory 0700 (when it is
 * ours: new, or holding our database, and not a shared sticky directory such as /tmp) and the
 * database, its WAL/SHM and the token file 0600; an empty database file is created 0600 so
 * SQLite inherits the mode (not with `sqlite: false`: PostgreSQL holds the data, the directory
 * only the token). Returns the paths whose modes it had to tighten.
 */
export function secureDataDir(dataDir: string, options: { sqlite?: boolean } = {}): string[] {
  const fixed: string[] = [];
  const existed = existsSync(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dirMode = statSync(dataDir).mode;
  const ours = !existed || existsSync(join(dataDir, DATABASE_FILE));
  if (ours && (dirMode & 0o077) !== 0 && (dirMode & 0o1000) === 0) {
    chmodSync(dataDir, 0o700);
    if (existed) fixed.push(dataDir);
  }
  const db = join(dataDir, DATABASE_FILE);
  if (options.sqlite !== false && !existsSync(db)) closeSync(openSync(db, 'a', 0o600));
  for (const name of PRIVATE_FILES) {
    const file = join(dataDir, name);
    if (!existsSync(file)) continue;
    if ((statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, 0o600);
      fixed.push(file);
    }
  }
  return fixed;
}
