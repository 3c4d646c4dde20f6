import type { ChatFile, ChatMessage } from './chat-message';

/** Rough per-message framing cost (role markers, separators) added by chat formats. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** Counts the tokens of a text for one model (a tokenizer, or a calibrated estimate). */
export type CountTokens = (text: string) => number;

// Scripts written without spaces (Han, kana, Hangul, Thai, ...): BPE tokenizers spend about one
// token per character on them, where Latin text averages about four characters per token.
const DENSE_SCRIPT = /[\u0E00-\u0E7F\u1100-\u11FF\u2E80-\u9FFF\uA960-\uA97F\uAC00-\uD7FF\uF900-\uFAFF\uFF00-\uFFEF]/g;

/**
 * Token estimate for budgets when no tokenizer is known: a character per token for scripts
 * without spaces (CJK, Thai), ceil(chars / 4) for the rest. Never billed.
 */
export function estimateTokens(text: string): number {
  const dense = text.match(DENSE_SCRIPT)?.length ?? 0;
  return dense + Math.ceil((text.length - dense) / 4);
}

/** What an image costs a provider, about: OpenAI counts 765 tokens for a 1024×1024 image in high detail, Anthropic about 1,600. */
export const IMAGE_TOKENS_ESTIMATE = 1_600;

/**
 * Tokens a file adds to a prompt, estimated for budgets: an image a fixed amount; a PDF its text
 * (or a share of its bytes when the text is unknown) plus a page image's worth.
 */
export function estimateFileTokens(file: Pick<ChatFile, 'mediaType' | 'data' | 'text'>, count: CountTokens = estimateTokens): number {
  if (file.mediaType.startsWith('image/')) return IMAGE_TOKENS_ESTIMATE;
  return Math.max(file.text ? count(file.text) : 0, Math.ceil(file.data.byteLength / 100)) + IMAGE_TOKENS_ESTIMATE;
}

/** Tokens of one message's content and files, framing included. */
export function estimateMessageTokens(message: ChatMessage, count: CountTokens = estimateTokens): number {
  let total = count(message.content) + MESSAGE_OVERHEAD_TOKENS;
  for (const f of message.files ?? []) total += estimateFileTokens(f, count);
  return total;
}

/** Token count of a whole prompt: the system prompt plus every message with its framing (and files). */
export function estimateMessagesTokens(messages: readonly ChatMessage[], system?: string, count: CountTokens = estimateTokens): number {
  let total = system ? count(system) + MESSAGE_OVERHEAD_TOKENS : 0;
  for (const message of messages) total += estimateMessageTokens(message, count);
  return total;
}

/** How many characters of `sample`'s kind of text fit in `tokens` (for character-capped summaries). */
export function charsForTokens(tokens: number, sample: string, count: CountTokens = estimateTokens): number {
  const counted = sample ? count(sample) : 0;
  return counted > 0 ? Math.floor((tokens * sample.length) / counted) : tokens * 4;
}

export interface TokenCalibrationOptions {
  /** Models remembered at most; the least recently calibrated is forgotten first. */
  maxModels?: number;
  /** Weight of a new observation in the moving average (0..1). */
  weight?: number;
}

/** Below this many estimated tokens a prompt is mostly framing: too noisy to learn from. */
const MIN_OBSERVED_TOKENS = 32;
/** A ratio outside this range is a broken report, not a tokenizer. */
const MIN_RATIO = 0.5;
const MAX_RATIO = 3;

/**
 * Per-model correction of the estimate, learned from the input tokens providers report
 * (reported / estimated, a moving average): in memory, bounded, 1 until a model has reported.
 */
export class TokenCalibration {
  private readonly ratios = new Map<string, number>();
  private readonly maxModels: number;
  private readonly weight: number;
  private observed = 0;

  constructor(options: TokenCalibrationOptions = {}) {
    this.maxModels = Math.max(1, options.maxModels ?? 128);
    this.weight = options.weight ?? 0.3;
  }

  /** The learned reported-to-estimated ratio of a model (1 when unknown). */
  ratio(modelConfigId: string): number {
    return this.ratios.get(modelConfigId) ?? 1;
  }

  /** Learns from one call: our estimate of the prompt and the input tokens the provider reported. */
  observe(modelConfigId: string, estimated: number, reported: number): void {
    if (estimated < MIN_OBSERVED_TOKENS || !Number.isFinite(reported) || reported <= 0) return;
    const sample = Math.min(MAX_RATIO, Math.max(MIN_RATIO, reported / estimated));
    const previous = this.ratios.get(modelConfigId);
    const next = previous === undefined ? sample : previous + (sample - previous) * this.weight;
    // Re-inserted last, so the map's first key is the least recently calibrated model.
    this.ratios.delete(modelConfigId);
    this.ratios.set(modelConfigId, next);
    if (this.ratios.size > this.maxModels) this.ratios.delete(this.ratios.keys().next().value as string);
    this.observed++;
  }

  /** How many observations changed a ratio so far: a persisted copy is stale when this moved. */
  get changes(): number {
    return this.observed;
  }

  /** Every learned ratio, least recently calibrated first. */
  snapshot(): Array<[modelConfigId: string, ratio: number]> {
    return [...this.ratios];
  }

  /**
   * Takes ratios learned elsewhere (an earlier run, another replica) for the models this one has
   * not calibrated itself yet; values outside the plausible range are skipped. Returns how many were taken.
   */
  restore(ratios: Iterable<readonly [string, number]>): number {
    let taken = 0;
    for (const [modelConfigId, ratio] of ratios) {
      if (this.ratios.has(modelConfigId) || !Number.isFinite(ratio) || ratio < MIN_RATIO || ratio > MAX_RATIO) continue;
      // Taken ones count as least recently calibrated: the first forgotten when the map is full.
      if (this.ratios.size >= this.maxModels) break;
      this.ratios.set(modelConfigId, ratio);
      taken++;
    }
    return taken;
  }

  /** The calibrated estimate for a model. */
  counter(modelConfigId: string): CountTokens {
    const ratio = this.ratio(modelConfigId);
    return ratio === 1 ? estimateTokens : (text) => Math.ceil(estimateTokens(text) * ratio);
  }
}
