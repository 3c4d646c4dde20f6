import { ErrorCode, MODEL_SOURCE_LABELS, SwitchboardError, type ModelSource } from '@switchboard/protocol';
import type { ModelConfig } from './config.schema';
import type { ModelCatalog } from './model-catalog';

/** Every level of the resolution chain that a caller can fill (DESIGN.md section 2). */
export interface ResolveModelInput {
  /** Level 1: per-message override (API `model`, inline `/model x`); must resolve or the request fails. */
  explicit?: string | null;
  /** Level 2: the queued message's snapshot (a model config id). */
  queued?: string | null;
  /** Level 3: a scheduled job's model or tier. */
  job?: string | null;
  /** Level 4: the session override (`session_config.model`). */
  session?: string | null;
  /** Level 5: the agent config's model or tier. */
  agent?: string | null;
  /**
   * Level 6: the global default saved from the dashboard, the API or the CLI. When it is unset or
   * no longer resolves, the chain tries the config file's `defaultModel` (`catalog.configuredDefault`),
   * then level 7.
   */
  global?: string | null;
}

/** The model of a turn, the level that chose it, and what the user should hear about levels that failed. */
export interface ModelResolution {
  modelConfigId: string;
  source: ModelSource;
  warnings: string[];
}

type FallThroughLevel = Exclude<ModelSource, 'explicit' | 'builtin'> | 'configDefault';

// Levels 2–6 in chain order (level 6 is the saved default, then the config file's); level 1 fails
// loudly and level 7 always answers.
const FALL_THROUGH_LEVELS: readonly FallThroughLevel[] = ['queued', 'job', 'session', 'agent', 'global', 'configDefault'];

/** The global default's levels: a gone default is reported once, on the setting, not on every turn. */
const GLOBAL_LEVELS: ReadonlySet<FallThroughLevel> = new Set(['global', 'configDefault']);

/** How a warning names the level whose model is gone. */
const LEVEL_SUBJECT: Record<FallThroughLevel, string> = {
  queued: 'The queued model',
  job: "The scheduled job's model",
  session: "This session's model",
  agent: "The agent's model",
  global: 'The saved global default model',
  configDefault: "The config file's defaultModel",
};

/**
 * The model of a turn: the first chain level that names an enabled model wins; pure. Its warnings
 * name the levels 2–5 that fell through; a saved or configured global default that is gone is
 * not repeated on every turn (see `resolveGlobalDefault`).
 */
export function resolveModel(catalog: ModelCatalog, input: ResolveModelInput): ModelResolution {
  const explicit = present(input.explicit);
  if (explicit !== undefined) {
    return { modelConfigId: validateModelRef(catalog, explicit).id, source: 'explicit', warnings: [] };
  }
  return walkChain(catalog, input, (level) => !GLOBAL_LEVELS.has(level));
}

/**
 * The global default on its own (the saved default, the config file's `defaultModel`, the
 * built-in tier), warning about each that is gone: what the settings and the model list show.
 */
export function resolveGlobalDefault(catalog: ModelCatalog, saved: string | null | undefined): ModelResolution {
  return walkChain(catalog, { global: saved }, () => true);
}

function walkChain(catalog: ModelCatalog, input: ResolveModelInput, warnAbout: (level: FallThroughLevel) => boolean): ModelResolution {
  const refs: Record<FallThroughLevel, string | undefined> = {
    queued: present(input.queued),
    job: present(input.job),
    session: present(input.session),
    agent: present(input.agent),
    global: present(input.global),
    configDefault: present(catalog.configuredDefault),
  };
  // Nothing saved yet (or the saved value is the file's): the file's default is one level, not two.
  if (refs.configDefault !== undefined && refs.global?.toLowerCase() === refs.configDefault.toLowerCase()) {
    refs.global = undefined;
  }

  const missed: { level: FallThroughLevel; ref: string }[] = [];
  let chosen: { model: ModelConfig; level: FallThroughLevel | 'builtin' } | undefined;
  for (const level of FALL_THROUGH_LEVELS) {
    const ref = refs[level];
    if (ref === undefined) continue;
    const model = catalog.resolveRef(ref);
    if (model) {
      chosen = { model, level };
      break;
    }
    missed.push({ level, ref });
  }
  chosen ??= { model: catalog.builtinDefault(), level: 'builtin' };

  const source: ModelSource = chosen.level === 'configDefault' ? 'global' : chosen.level;
  const how = chosen.level === 'configDefault' && missed.some((m) => m.level === 'global' && warnAbout(m.level)) ? "the config file's defaultModel" : MODEL_SOURCE_LABELS[source];
  const target = `using "${chosen.model.id}" (${how})`;
  const warnings = missed.filter(({ level }) => warnAbout(level)).map(({ level, ref }) => `${LEVEL_SUBJECT[level]} "${ref}" is no longer available; ${target}.`);
  return { modelConfigId: chosen.model.id, source, warnings };
}

/** The enabled model a user-given reference names; throws INVALID_MODEL listing what is available. */
export function validateModelRef(catalog: ModelCatalog, ref: string): ModelConfig {
  const model = catalog.resolveRef(ref);
  if (model) return model;
  throw invalidModelError(catalog, ref);
}

/** The INVALID_MODEL error for a reference that names no enabled model. */
export function invalidModelError(catalog: ModelCatalog, ref: string): SwitchboardError {
  const available = catalog.available();
  const list = available.map((m) => `${m.id} (${m.label}${m.tier ? `, ${m.tier}` : ''})`).join(', ');
  return new SwitchboardError(ErrorCode.INVALID_MODEL, `Unknown or disabled model "${ref}". Available: ${list || 'none'}.`, {
    model: ref,
    available,
  });
}

/** A usable reference, or undefined for null, undefined and blank strings (no warning for "not set"). */
function present(ref: string | null | undefined): string | undefined {
  if (ref == null) return undefined;
  const trimmed = ref.trim();
  return trimmed ? trimmed : undefined;
}
