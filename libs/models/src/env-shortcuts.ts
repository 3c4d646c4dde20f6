import type { Tier } from '@switchboard/protocol';
import { isHttpUrl, type ModelConfig, type ProviderConfig } from './config.schema';

/** The environment as the caller passes it (usually `process.env`, read by the app, never by this lib). */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Providers and models contributed by environment variables, ready to merge after the file's. */
export interface EnvShortcuts {
  providers: Record<string, ProviderConfig>;
  models: ModelConfig[];
  sources: string[];
  /** Problems with the variables themselves (e.g. a base URL that is not a URL), each naming its variable. */
  issues: string[];
}

const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

interface ShortcutModel {
  model: ModelConfig;
  // Tiers this model may take, best first; it gets the first one nobody holds yet, or none.
  wants: Tier[];
  // Lower claims first, so the cross-provider split in the docs holds (e.g. Sonnet is `complex`
  // next to OpenAI, which leaves o3 without a tier) whatever the config order.
  claimOrder: number;
}

function model(fields: Omit<ModelConfig, 'enabled' | 'fallbacks' | 'aliases' | 'tier' | 'input'> & { aliases?: string[]; input?: ModelConfig['input'] }): ModelConfig {
  return { aliases: [], input: ['text'], ...fields, tier: null, enabled: true, fallbacks: [] };
}

/** What OpenAI's and Anthropic's current models read besides text (their APIs take images and PDF files). */
const SEES_IMAGES_AND_PDFS: ModelConfig['input'] = ['text', 'image', 'pdf'];

/** Non-empty value of an environment variable. */
function read(env: ConfigEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** True when any file provider already reads this variable, so the shortcut would duplicate it. */
function referencedByFile(fileProviders: Record<string, ProviderConfig>, name: string): boolean {
  const ref = `env:${name}`;
  return Object.values(fileProviders).some(
    (p) => p.apiKey === ref || p.baseUrl === ref || Object.values(p.headers ?? {}).includes(ref),
  );
}

/** Ollama's OpenAI-compatible API lives under `/v1`; people usually paste the bare server URL. */
export function ollamaBaseUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/**
 * Providers and models implied by OPENAI_*, ANTHROPIC_* and OLLAMA_* variables, skipping any
 * provider the file already defines; tiers held by the file's enabled models stay theirs.
 */
export function envShortcuts(
  env: ConfigEnv,
  file: { providers: Record<string, ProviderConfig>; models: readonly ModelConfig[] },
): EnvShortcuts {
  const providers: Record<string, ProviderConfig> = {};
  const candidates: ShortcutModel[] = [];
  const sources: string[] = [];
  const issues: string[] = [];
  const checkUrl = (name: string): void => {
    const value = read(env, name);
    if (value !== undefined && !isHttpUrl(value)) issues.push(`${name}: must be an http(s) URL such as http://127.0.0.1:11434 (got "${value}")`);
  };
  const skip = (id: string, ...vars: string[]): boolean =>
    id in file.providers || vars.some((name) => referencedByFile(file.providers, name));

  const openaiKey = read(env, 'OPENAI_API_KEY');
  const openaiBase = read(env, 'OPENAI_BASE_URL');
  // A base URL alone is a keyless OpenAI-compatible server (vLLM, LM Studio).
  if ((openaiKey || openaiBase) && !skip('openai', 'OPENAI_API_KEY', 'OPENAI_BASE_URL')) {
    checkUrl('OPENAI_BASE_URL');
    providers['openai'] = {
      type: 'openai-compatible',
      baseUrl: openaiBase ? 'env:OPENAI_BASE_URL' : OPENAI_DEFAULT_BASE_URL,
      ...(openaiKey ? { apiKey: 'env:OPENAI_API_KEY' } : {}),
      // OpenAI itself transcribes voice notes; another OpenAI-compatible server may not.
      ...(openaiBase ? {} : { transcriptionModel: 'whisper-1' }),
    };
    const overrideModel = read(env, 'OPENAI_MODEL');
    const main = model({
      id: 'gpt-4.1',
      provider: 'openai',
      model: 'gpt-4.1',
      label: 'GPT-4.1',
      aliases: ['gpt'],
      contextWindow: 1_047_576,
      price: { input: 2, output: 8, cachedInput: 0.5 },
      // Another OpenAI-compatible server may not read images: only OpenAI itself is assumed to.
      input: openaiBase ? ['text'] : SEES_IMAGES_AND_PDFS,
    });
    if (overrideModel && overrideModel !== main.model) {
      // The id stays stable for sessions and settings; label and price follow the real model.
      main.model = overrideModel;
      main.label = overrideModel;
      main.contextWindow = 128_000;
      main.input = ['text'];
      delete main.price;
    }
    candidates.push(
      { model: main, wants: ['default'], claimOrder: 0 },
      {
        model: model({
          id: 'gpt-4.1-mini',
          provider: 'openai',
          model: 'gpt-4.1-mini',
          label: 'GPT-4.1 mini',
          contextWindow: 1_047_576,
          price: { input: 0.4, output: 1.6, cachedInput: 0.1 },
          input: openaiBase ? ['text'] : SEES_IMAGES_AND_PDFS,
        }),
        wants: ['fast'],
        claimOrder: 1,
      },
      {
        model: model({
          id: 'o3',
          provider: 'openai',
          model: 'o3',
          label: 'o3 (reasoning)',
          contextWindow: 200_000,
          price: { input: 2, output: 8, cachedInput: 0.5 },
          input: openaiBase ? ['text'] : SEES_IMAGES_AND_PDFS,
        }),
        wants: ['complex'],
        claimOrder: 4,
      },
    );
    sources.push(...['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'].filter((n) => read(env, n)).map((n) => `env:${n}`));
  }

  const anthropicKey = read(env, 'ANTHROPIC_API_KEY');
  if (anthropicKey && !skip('anthropic', 'ANTHROPIC_API_KEY')) {
    const anthropicBase = read(env, 'ANTHROPIC_BASE_URL');
    checkUrl('ANTHROPIC_BASE_URL');
    providers['anthropic'] = {
      type: 'anthropic',
      apiKey: 'env:ANTHROPIC_API_KEY',
      ...(anthropicBase ? { baseUrl: 'env:ANTHROPIC_BASE_URL' } : {}),
    };
    candidates.push(
      {
        model: model({
          id: 'claude-sonnet-4-5',
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          label: 'Claude Sonnet 4.5',
          aliases: ['claude'],
          contextWindow: 200_000,
          price: { input: 3, output: 15, cachedInput: 0.3 },
          input: SEES_IMAGES_AND_PDFS,
        }),
        wants: ['default', 'complex'],
        claimOrder: 2,
      },
      {
        model: model({
          id: 'claude-haiku-4-5',
          provider: 'anthropic',
          model: 'claude-haiku-4-5',
          label: 'Claude Haiku 4.5',
          contextWindow: 200_000,
          price: { input: 1, output: 5, cachedInput: 0.1 },
          input: SEES_IMAGES_AND_PDFS,
        }),
        wants: ['fast'],
        claimOrder: 3,
      },
    );
    sources.push(...['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'].filter((n) => read(env, n)).map((n) => `env:${n}`));
  }

  const ollamaUrl = read(env, 'OLLAMA_BASE_URL');
  if (ollamaUrl && !skip('ollama', 'OLLAMA_BASE_URL')) {
    checkUrl('OLLAMA_BASE_URL');
    const name = read(env, 'OLLAMA_MODEL') ?? 'llama3.2';
    providers['ollama'] = { type: 'openai-compatible', baseUrl: ollamaBaseUrl(ollamaUrl) };
    candidates.push({
      model: model({
        id: 'ollama',
        provider: 'ollama',
        model: name,
        label: `${name} (local, Ollama)`,
        // Ollama's default context is small unless num_ctx is raised; budget conservatively.
        contextWindow: 8_192,
        price: { input: 0, output: 0 },
      }),
      wants: ['local'],
      claimOrder: 5,
    });
    sources.push(...['OLLAMA_BASE_URL', 'OLLAMA_MODEL'].filter((n) => read(env, n)).map((n) => `env:${n}`));
  }

  // The file wins every clash: skip models whose id it uses, drop aliases it already names.
  const usedNames = new Set(file.models.flatMap((m) => [m.id, ...m.aliases]));
  const kept: ShortcutModel[] = [];
  for (const candidate of candidates) {
    const m = candidate.model;
    if (usedNames.has(m.id)) continue;
    m.aliases = m.aliases.filter((a) => !usedNames.has(a));
    usedNames.add(m.id);
    m.aliases.forEach((a) => usedNames.add(a));
    kept.push(candidate);
  }

  const taken = new Set<Tier>(file.models.filter((m) => m.enabled && m.tier).map((m) => m.tier as Tier));
  for (const candidate of [...kept].sort((a, b) => a.claimOrder - b.claimOrder)) {
    const tier = candidate.wants.find((t) => !taken.has(t));
    if (tier) {
      candidate.model.tier = tier;
      taken.add(tier);
    }
  }
  const models = kept.map((c) => c.model);
  return { providers, models, sources, issues };
}
