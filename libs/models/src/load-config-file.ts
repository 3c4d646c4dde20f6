import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config-error';
import type { ConfigEnv } from './env-shortcuts';
import { loadConfig, type LoadedConfig } from './load-config';

/** Read the config file (the caller passes SWITCHBOARD_CONFIG's value, or nothing) and load it with the env. */
export function loadConfigFile({ env, path }: { env: ConfigEnv; path?: string | null }): LoadedConfig {
  if (!path) return loadConfig({ env });
  const absolute = resolve(path);
  let fileText: string;
  try {
    fileText = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ConfigError([`${absolute}: cannot read the config file (${reason})`], absolute);
  }
  return loadConfig({ env, fileText, filePath: absolute });
}
