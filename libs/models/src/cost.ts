/** Token counts of one model call; `cachedTokens` are included in `inputTokens`. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

/** Prices in USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

const PER_MILLION = 1_000_000;

/** Cost in USD of one call; cached input is billed at `cachedInput` (default: the input price). */
export function estimateCost(usage: TokenUsage, price?: ModelPrice | null): number {
  if (!price) return 0;
  const input = Math.max(0, usage.inputTokens);
  // Providers sometimes report more cache reads than inputs on odd edges; never bill negative tokens.
  const cached = Math.min(Math.max(0, usage.cachedTokens), input);
  const output = Math.max(0, usage.outputTokens);
  const cachedPrice = price.cachedInput ?? price.input;
  const usd = ((input - cached) * price.input + cached * cachedPrice + output * price.output) / PER_MILLION;
  // Rounded to a nano-dollar so sums of many calls don't show float noise like 0.30000000000000004.
  return Math.round(usd * 1e9) / 1e9;
}
