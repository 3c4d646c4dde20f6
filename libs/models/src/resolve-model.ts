import { ErrorCode, SwitchboardError, type ModelSource } from '@switchboard/protocol';
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
  /** Level 6: the global default (the saved preference, else the config file's `defaultModel`). */
  global?: string | null;
}

/** The model of a turn, the level that chose it, and what the user should hear about levels that failed. */
export interface ModelResolution {
  modelConfigId: string;
  source: ModelSource;
  warnings: string[];
}

type FallThroughLevel = Exclude<ModelSource, 'explicit' | 'builtin'>;

// Levels 2–6 in chain order; level 1 fails loudly and level 7 always answers.
const FALL_THROUGH_LEVELS: readonly FallThroughLevel[] = ['queued', 'job', 'session', 'agent', 'global'];

/** How a warning names the level whose model is gone. */
const LEVEL_SUBJECT: Record<FallThroughLevel, string> = {
  queued: 'The queued model',
  job: "The scheduled job's model",
  session: "This session's model",
  agent: "The agent's model",
  global: 'The global default model',
};

/** How the UI names each source ("fast · session override"). */
export const MODEL_SOURCE_LABELS: Readonly<Record<ModelSource, string>> = {
  explicit: 'explicit',
  queued: 'queued message',
  job: 'scheduled job',
  session: 'session override',
  agent: 'agent',
  global: 'global default',
  builtin: 'built-in default',
};

/** The model of a turn: the first chain level that names an enabled model wins; pure. */
export function resolveModel(catalog: ModelCatalog, input: ResolveModelInput): ModelResolution {
  const explicit = present(input.explicit);
  if (explicit !== undefined) {
    return { modelConfigId: validateModelRef(catalog, explicit).id, source: 'explicit', warnings: [] };
  }

  const missed: { level: FallThroughLevel; ref: string }[] = [];
  let chosen: { model: ModelConfig; source: ModelSource } | undefined;
  for (const level of FALL_THROUGH_LEVELS) {
    const ref = present(input[level]);
    if (ref === undefined) continue;
    const model = catalog.resolveRef(ref);
    if (model) {
      chosen = { model, source: level };
      break;
    }
    missed.push({ level, ref });
  }
  chosen ??= { model: catalog.builtinDefault(), source: 'builtin' };

  const target = `using "${chosen.model.id}" (${MODEL_SOURCE_LABELS[chosen.source]})`;
  const warnings = missed.map(({ level, ref }) => `${LEVEL_SUBJECT[level]} "${ref}" is no longer available; ${target}.`);
  return { modelConfigId: chosen.model.id, source: chosen.source, warnings };
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
