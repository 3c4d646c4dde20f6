import type { countTokens as GptCountTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ModelCatalog } from './model-catalog';
import { estimateMessagesTokens, TokenCalibration, type CountTokens, type TokenCalibrationOptions } from './tokens';
import type { ChatMessage } from './chat-message';

/*
 * An encoding's tables cost about 150 ms and 70 MB to load: each is loaded the first time an
 * OpenAI model's text is counted, so an install without OpenAI models never pays for them.
 */
let o200k: typeof GptCountTokens | null = null;
let cl100k: typeof GptCountTokens | null = null;
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, not at start (see above) */
const countO200k: CountTokens = (text) => (o200k ??= (require('gpt-tokenizer/encoding/o200k_base') as { countTokens: typeof GptCountTokens }).countTokens)(text);
const countCl100k: CountTokens = (text) => (cl100k ??= (require('gpt-tokenizer/encoding/cl100k_base') as { countTokens: typeof GptCountTokens }).countTokens)(text);
/* eslint-enable @typescript-eslint/no-require-imports */

/** The OpenAI tokenizer of a model name, when it is an OpenAI model (also behind a router: `openai/gpt-4o`). */
export function openAiTokenizer(model: string): CountTokens | null {
  const name = model.toLowerCase().replace(/^openai\//, '');
  if (/^(gpt-4o|gpt-4\.|gpt-[5-9]|chatgpt-|o[1-9]|codex-)/.test(name)) return countO200k;
  // gpt-4 and gpt-3.5 predate o200k.
  if (/^gpt-(3\.5|4)/.test(name)) return countCl100k;
  return null;
}

/** A persisted calibration: per model config id, the provider model it was learned on and its ratio. */
export type SavedTokenCalibration = Record<string, { model: string; ratio: number }>;

/**
 * Token counts per model: the real tokenizer for OpenAI models, else the estimate corrected by
 * what the model's provider reports (see TokenCalibration).
 */
export class TokenCounters {
  private readonly calibration: TokenCalibration;

  constructor(
    private readonly catalog: ModelCatalog,
    options: TokenCalibrationOptions = {},
  ) {
    this.calibration = new TokenCalibration(options);
  }

  /** The counter to budget a model's prompts with. */
  forModel(modelConfigId: string): CountTokens {
    const model = this.catalog.get(modelConfigId);
    return (model && openAiTokenizer(model.model)) ?? this.calibration.counter(modelConfigId);
  }

  /** How many observations changed a calibration so far (a saved snapshot is stale when this moved). */
  get changes(): number {
    return this.calibration.changes;
  }

  /** What to persist: each calibrated model's provider model name and ratio (a ratio belongs to the model, not to its id). */
  snapshot(): SavedTokenCalibration {
    const out: SavedTokenCalibration = {};
    for (const [id, ratio] of this.calibration.snapshot()) {
      const model = this.catalog.get(id);
      if (model) out[id] = { model: model.model, ratio };
    }
    return out;
  }

  /**
   * Loads a persisted snapshot (any JSON value: a bad one is ignored). An entry applies only while
   * its id still names the same provider model without a tokenizer, and only to models not
   * calibrated here yet. Returns how many were taken.
   */
  restore(saved: unknown): number {
    if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return 0;
    const entries: Array<[string, number]> = [];
    for (const [id, value] of Object.entries(saved as Record<string, unknown>)) {
      if (typeof value !== 'object' || value === null) continue;
      const { model, ratio } = value as { model?: unknown; ratio?: unknown };
      const current = this.catalog.get(id);
      if (!current || current.model !== model || typeof ratio !== 'number' || openAiTokenizer(current.model)) continue;
      entries.push([id, ratio]);
    }
    return this.calibration.restore(entries);
  }

  /** Learns from a call's reported input tokens (models without a tokenizer only). */
  observe(modelConfigId: string, prompt: { system?: string; messages: readonly ChatMessage[] }, reportedInputTokens: number): void {
    const model = this.catalog.get(modelConfigId);
    if (!model || openAiTokenizer(model.model)) return;
    this.calibration.observe(modelConfigId, estimateMessagesTokens(prompt.messages, prompt.system), reportedInputTokens);
  }
}
