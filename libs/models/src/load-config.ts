import type { ProviderInfo } from '@switchboard/protocol';
import { ConfigError } from './config-error';
import {
  crossFieldIssues,
  envRefName,
  formatIssuePath,
  isHttpUrl,
  OFFLINE_PROVIDER_ID,
  switchboardConfigSchema,
  type ModelConfig,
  type ProviderConfig,
  type SwitchboardConfig,
} from './config.schema';
import { envShortcuts, type ConfigEnv } from './env-shortcuts';
import { locateJsonError } from './json-error-position';

/** The validated configuration with secrets resolved: what the catalog, runner and apps use. */
export interface LoadedConfig extends SwitchboardConfig {
  /** True when every enabled model is the offline demo model: the UI should say how to add a real one. */
  offlineOnly: boolean;
  /** Where the config came from, for one startup log line (e.g. `file:/etc/sb.json`, `env:OPENAI_API_KEY`). */
  sources: string[];
}

export interface LoadConfigOptions {
  env: ConfigEnv;
  /** The config file's JSON text; absent when there is no file (environment shortcuts only). */
  fileText?: string | null;
  /** Where `fileText` came from, for messages and `sources`. */
  filePath?: string | null;
}

/** The built-in model used when nothing else is enabled, so every door works on a fresh machine. */
export const OFFLINE_MODEL: Readonly<ModelConfig> = Object.freeze({
  id: 'offline',
  provider: OFFLINE_PROVIDER_ID,
  model: 'switchboard-offline',
  tier: 'default',
  label: 'Offline demo model (no provider configured)',
  aliases: [],
  enabled: true,
  contextWindow: 32_000,
  price: { input: 0, output: 0 },
  fallbacks: [],
  input: ['text' as const],
});

/** Validate the config file (if any), merge environment shortcuts, resolve `env:` secrets; throws ConfigError. */
export function loadConfig({ env, fileText, filePath }: LoadConfigOptions): LoadedConfig {
  const fileLabel = filePath ?? 'config';
  const sources: string[] = [];
  let raw: unknown = {};
  if (fileText != null) {
    raw = parseJson(fileText, fileLabel);
    sources.push(`file:${fileLabel}`);
  }

  const parsed = switchboardConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`),
      fileText != null ? fileLabel : undefined,
    );
  }
  const config = parsed.data;

  const shortcuts = envShortcuts(env, config);
  if (shortcuts.issues.length) throw new ConfigError(shortcuts.issues, 'environment');
  const providers: Record<string, ProviderConfig> = { ...config.providers, ...shortcuts.providers };
  const models: ModelConfig[] = [...config.models, ...shortcuts.models];
  sources.push(...shortcuts.sources);

  const resolved = resolveSecrets(providers, env);
  const mcp = resolveMcpSecrets(config.mcpServers, env);
  const secretIssues = [...resolved.issues, ...mcp.issues];
  if (secretIssues.length) throw new ConfigError(secretIssues, fileText != null ? fileLabel : undefined);

  if (!models.some((m) => m.enabled)) {
    // A disabled model may already use the id; the built-in one replaces it rather than clash.
    const index = models.findIndex((m) => m.id === OFFLINE_MODEL.id);
    const offline = structuredClone(OFFLINE_MODEL) as ModelConfig;
    // Keep the replaced entry's aliases: references to them must still resolve.
    if (index >= 0) models[index] = { ...offline, aliases: models[index]!.aliases };
    else models.push(offline);
    if (!resolved.providers[OFFLINE_PROVIDER_ID]) resolved.providers[OFFLINE_PROVIDER_ID] = { type: 'offline' };
    sources.push('builtin:offline');
  }

  const merged = { ...config, providers: resolved.providers, mcpServers: mcp.servers, models };
  // The shortcuts were built to avoid clashes; re-checking keeps that a guarantee, not a hope.
  const clashes = crossFieldIssues(merged);
  if (clashes.length) {
    throw new ConfigError(clashes.map((i) => `${formatIssuePath(i.path)}: ${i.message}`), fileText != null ? fileLabel : undefined);
  }

  const offlineOnly = models.filter((m) => m.enabled).every((m) => providerTypeOf(merged, m.provider) === 'offline');
  return { ...merged, offlineOnly, sources };
}

/** The provider type of a provider id; the built-in `offline` provider needs no entry. */
export function providerTypeOf(config: Pick<SwitchboardConfig, 'providers'>, providerId: string): ProviderConfig['type'] {
  return config.providers[providerId]?.type ?? 'offline';
}

/** Providers as the API shows them: base URL without credentials or query, whether a key is set, never the key. */
export function describeProviders(config: Pick<SwitchboardConfig, 'providers'>): ProviderInfo[] {
  return Object.entries(config.providers).map(([id, provider]) => ({
    id,
    type: provider.type,
    baseUrl: provider.baseUrl ? redactUrl(provider.baseUrl) : null,
    hasApiKey: Boolean(provider.apiKey),
  }));
}

/** A URL with userinfo, query and fragment removed (they may hold secrets). */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return '(invalid URL)';
  }
}

function parseJson(text: string, label: string): unknown {
  // Editors on Windows like to save a BOM; JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const where = locateJsonError(body);
    if (where) {
      throw new ConfigError(
        [`${label}: invalid JSON at line ${where.line}, column ${where.column} (position ${where.offset}): ${where.reason}`],
        label,
      );
    }
    throw new ConfigError([`${label}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`], label);
  }
}

interface ResolvedSecrets {
  providers: Record<string, ProviderConfig>;
  issues: string[];
}

/** A resolver of `env:NAME` references (other values pass through); problems are added to `issues`. */
function envResolver(env: ConfigEnv, issues: string[]): (value: string, path: string) => string {
  return (value: string, path: string): string => {
    if (!value.startsWith('env:')) return value;
    const name = envRefName(value);
    if (!name) {
      issues.push(`${path}: "${value}" is not a valid environment reference (use env:NAME)`);
      return value;
    }
    const resolved = env[name];
    // An empty variable is as useless as a missing one for keys and URLs.
    if (resolved === undefined || resolved.trim() === '') {
      issues.push(`${path}: environment variable ${name} is not set`);
      return value;
    }
    return resolved.trim();
  };
}

/** Replace every `env:NAME` in apiKey, baseUrl and headers with the variable's value. */
function resolveSecrets(providers: Record<string, ProviderConfig>, env: ConfigEnv): ResolvedSecrets {
  const issues: string[] = [];
  const resolve = envResolver(env, issues);
  const out: Record<string, ProviderConfig> = {};
  for (const [id, provider] of Object.entries(providers)) {
    const base = `providers.${id}`;
    const next: ProviderConfig = { type: provider.type };
    if (provider.baseUrl !== undefined) {
      next.baseUrl = resolve(provider.baseUrl, `${base}.baseUrl`);
      if (!next.baseUrl.startsWith('env:') && !isHttpUrl(next.baseUrl)) {
        issues.push(`${base}.baseUrl: must be an http(s) URL (got "${redactUrl(next.baseUrl)}")`);
      }
    }
    if (provider.apiKey !== undefined) next.apiKey = resolve(provider.apiKey, `${base}.apiKey`);
    if (provider.transcriptionModel !== undefined) next.transcriptionModel = provider.transcriptionModel;
    if (provider.headers) {
      next.headers = Object.fromEntries(
        Object.entries(provider.headers).map(([name, value]) => [name, resolve(value, `${base}.headers.${name}`)]),
      );
    }
    out[id] = next;
  }
  return { providers: out, issues };
}

/** Replace every `env:NAME` in MCP servers' headers and child environments with the variable's value (keys stay out of the file). */
function resolveMcpSecrets(servers: SwitchboardConfig['mcpServers'], env: ConfigEnv): { servers: SwitchboardConfig['mcpServers']; issues: string[] } {
  const issues: string[] = [];
  const resolve = envResolver(env, issues);
  const map = (values: Record<string, string>, path: string) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, resolve(v, `${path}.${k}`)]));
  const out: SwitchboardConfig['mcpServers'] = {};
  for (const [name, server] of Object.entries(servers)) {
    out[name] = 'url' in server ? { ...server, headers: map(server.headers, `mcpServers.${name}.headers`) } : { ...server, env: map(server.env, `mcpServers.${name}.env`) };
  }
  return { servers: out, issues };
}

const SECRET_NAME = /auth|key|token|secret|pass|cookie|credential/i;

/** Every secret value the config holds (provider keys, credential headers, MCP servers' credentials), for scrubbers. */
export function configSecrets(config: Pick<SwitchboardConfig, 'providers'> & Partial<Pick<SwitchboardConfig, 'mcpServers'>>): string[] {
  const out: string[] = [];
  for (const provider of Object.values(config.providers)) {
    if (provider.apiKey) out.push(provider.apiKey);
    for (const [name, value] of Object.entries(provider.headers ?? {})) if (SECRET_NAME.test(name)) out.push(value);
  }
  for (const server of Object.values(config.mcpServers ?? {})) {
    for (const [name, value] of Object.entries('url' in server ? server.headers : server.env)) if (SECRET_NAME.test(name)) out.push(value);
  }
  return out;
}
