import type { EngineRef, ModelInfo, ModelInput, ProviderType, Tier } from '@switchboard/protocol';
import { BUILTIN_ALIASES, TIERS, type DelegationConfig, type DelegationRole, type ModelConfig, type SwitchboardConfig } from './config.schema';

/** What the catalog needs from a loaded config (a LoadedConfig fits). */
export type CatalogSource = Pick<SwitchboardConfig, 'providers' | 'models'> &
  Partial<Pick<SwitchboardConfig, 'defaultModel' | 'delegation'>>;

/** A model entry as users pick it: what `INVALID_MODEL` errors list. */
export interface AvailableModel {
  id: string;
  label: string;
  tier: Tier | null;
  aliases: string[];
}

/**
 * The model catalog: immutable, with every lookup map built once, because the hot path
 * resolves a model on every turn. Only enabled models resolve by reference.
 */
export class ModelCatalog {
  private readonly models: readonly ModelConfig[];
  private readonly enabledModels: readonly ModelConfig[];
  private readonly byId: ReadonlyMap<string, ModelConfig>;
  /** Lowercased enabled model ids. */
  private readonly enabledById: ReadonlyMap<string, ModelConfig>;
  /** Lowercased aliases of enabled models. */
  private readonly byAlias: ReadonlyMap<string, ModelConfig>;
  /** The preferred (first enabled, config order) model of each tier. */
  private readonly byTier: ReadonlyMap<Tier, ModelConfig>;
  private readonly providerTypes: ReadonlyMap<string, ProviderType>;
  private readonly delegation: Readonly<Partial<DelegationConfig>>;
  /** The config file's `defaultModel`, the global default until one is saved in settings. */
  readonly configuredDefault: string | null;

  constructor(config: CatalogSource) {
    // Deep copies, frozen, so later edits to the config object can't change a live catalog.
    this.models = Object.freeze(config.models.map((m) => deepFreeze(structuredClone(m))));
    this.enabledModels = Object.freeze(this.models.filter((m) => m.enabled));
    this.byId = new Map(this.models.map((m) => [m.id, m]));
    this.enabledById = new Map(this.enabledModels.map((m) => [m.id.toLowerCase(), m]));
    const byAlias = new Map<string, ModelConfig>();
    const byTier = new Map<Tier, ModelConfig>();
    for (const model of this.enabledModels) {
      for (const alias of model.aliases) if (!byAlias.has(alias.toLowerCase())) byAlias.set(alias.toLowerCase(), model);
      if (model.tier && !byTier.has(model.tier)) byTier.set(model.tier, model);
    }
    this.byAlias = byAlias;
    this.byTier = byTier;
    this.providerTypes = new Map(Object.entries(config.providers).map(([id, p]) => [id, p.type]));
    this.delegation = Object.freeze({ ...(config.delegation ?? {}) });
    this.configuredDefault = config.defaultModel ?? null;
  }

  /** The model config with this exact id, enabled or not. */
  get(id: string): ModelConfig | undefined {
    return this.byId.get(id);
  }

  /** Every configured model, in config order. */
  list(): readonly ModelConfig[] {
    return this.models;
  }

  /** The enabled models, in config order. */
  enabled(): readonly ModelConfig[] {
    return this.enabledModels;
  }

  /**
   * The enabled model a reference names, case-insensitively: a model id, then a model's alias,
   * then a built-in alias (`cloud`, `local`), then a tier name.
   */
  resolveRef(ref: string): ModelConfig | undefined {
    const key = ref.trim().toLowerCase();
    if (!key) return undefined;
    const byId = this.enabledById.get(key) ?? this.byAlias.get(key);
    if (byId) return byId;
    const builtinTier = BUILTIN_ALIASES[key];
    if (builtinTier) return this.byTier.get(builtinTier);
    return isTier(key) ? this.byTier.get(key) : undefined;
  }

  /**
   * The preferred enabled model of a tier. With `fallback`, a missing tier falls back to the
   * default tier, then to the first enabled model (for internal delegation, which must run).
   */
  tierModel(tier: Tier, options: { fallback?: boolean } = {}): ModelConfig | undefined {
    const strict = this.byTier.get(tier);
    if (strict || !options.fallback) return strict;
    return this.byTier.get('default') ?? this.enabledModels[0];
  }

  /** Level 7 of the resolution chain: the default tier, else the first enabled model. */
  builtinDefault(): ModelConfig {
    const model = this.tierModel('default', { fallback: true });
    if (!model) throw new Error('The model catalog has no enabled model (loadConfig adds the offline model, so this is a bug).');
    return model;
  }

  /** The model for a delegated side task: its configured reference, else that tier with fallback. */
  forDelegation(role: DelegationRole): ModelConfig {
    const ref = this.delegation[role] ?? (role === 'complex_reasoning' ? 'complex' : 'fast');
    const direct = this.resolveRef(ref);
    if (direct) return direct;
    const key = ref.trim().toLowerCase();
    const tier = isTier(key) ? key : BUILTIN_ALIASES[key];
    return (tier && this.tierModel(tier, { fallback: true })) || this.builtinDefault();
  }

  /** The catalog in the API's shape, every model (disabled ones too, flagged). */
  describe(): ModelInfo[] {
    return this.models.map((m) => ({
      id: m.id,
      label: m.label,
      provider: m.provider,
      providerType: this.providerType(m.provider),
      model: m.model,
      tier: m.tier,
      aliases: [...m.aliases],
      enabled: m.enabled,
      contextWindow: m.contextWindow,
      price: m.price ? { ...m.price } : null,
      fallbacks: [...m.fallbacks],
      input: [...m.input],
    }));
  }

  /** True when the model reads this kind of input (`image`, `pdf`); an unknown model reads text only. */
  accepts(id: string, input: ModelInput): boolean {
    return input === 'text' || (this.byId.get(id)?.input.includes(input) ?? false);
  }

  /** Enabled models that read this kind of input, the tiers' preferred ones first (for "try one of these"). */
  modelsAccepting(input: ModelInput): AvailableModel[] {
    const preferred = new Set([...this.byTier.values()].map((m) => m.id));
    const fit = this.enabledModels.filter((m) => m.input.includes(input));
    return [...fit.filter((m) => preferred.has(m.id)), ...fit.filter((m) => !preferred.has(m.id))].map((m) => ({
      id: m.id,
      label: m.label,
      tier: m.tier,
      aliases: [...m.aliases],
    }));
  }

  /** Which model id each tier resolves to right now (null when the tier has no enabled model). */
  tiers(): Record<Tier, string | null> {
    return Object.fromEntries(TIERS.map((t) => [t, this.byTier.get(t)?.id ?? null])) as Record<Tier, string | null>;
  }

  /** Enabled models, as the user would pick them (for errors and the model list). */
  available(): AvailableModel[] {
    return this.enabledModels.map((m) => ({ id: m.id, label: m.label, tier: m.tier, aliases: [...m.aliases] }));
  }

  /** One line per enabled model, e.g. `quick (GPT-4.1 mini) — fast`. */
  availableSummary(): string[] {
    return this.enabledModels.map((m) => `${m.id} (${m.label})${m.tier ? ` — ${m.tier}` : ''}`);
  }

  /** The display label of a model id; the id itself when the model is gone. */
  label(id: string): string {
    return this.byId.get(id)?.label ?? id;
  }

  /** The provider type behind a provider id (the built-in `offline` provider needs no entry). */
  providerType(providerId: string): ProviderType {
    return this.providerTypes.get(providerId) ?? 'offline';
  }

  /** The engine of a model id (provider family + model), or undefined when the model is gone. */
  findEngine(id: string): EngineRef | undefined {
    const m = this.byId.get(id);
    if (!m) return undefined;
    return { modelConfigId: m.id, provider: m.provider, providerType: this.providerType(m.provider), model: m.model, label: m.label };
  }

  /** The engine of a model id; throws for an unknown id (use findEngine for stored, maybe-deleted ids). */
  engineOf(id: string): EngineRef {
    const engine = this.findEngine(id);
    if (!engine) throw new Error(`Unknown model config id "${id}"`);
    return engine;
  }
}

/** True when the string is a tier name. */
export function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
