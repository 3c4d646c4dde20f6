/** Token counting, context limits and a prefix prompt cache for the fake LLM's replies. */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { FakeLlmMessage, FakeLlmOptions, FakeLlmRequest } from './fake-llm.types';

/** Framing a chat format adds per message (role markers, separators), as providers count it. */
const MESSAGE_OVERHEAD = 4;
/** Earlier prompts kept per model for the prefix cache (enough for interleaved conversations). */
const CACHED_PROMPTS = 32;

export type TokenizerName = NonNullable<FakeLlmOptions['tokenizer']>;

/** Tokens of one text under the server's tokenizer. */
export function textTokens(text: string, tokenizer: TokenizerName): number {
  return tokenizer === 'o200k' ? countTokens(text) : Math.ceil(text.length / 4);
}

function messageTokens(m: FakeLlmMessage, tokenizer: TokenizerName): number {
  return tokenizer === 'o200k' ? countTokens(m.content) + MESSAGE_OVERHEAD : m.content.length / 4;
}

/** Prompt tokens of a request: every message, system prompts included. */
export function promptTokens(messages: readonly FakeLlmMessage[], tokenizer: TokenizerName): number {
  let total = 0;
  for (const m of messages) total += messageTokens(m, tokenizer);
  return Math.ceil(total);
}

/** The provider's refusal of a prompt over the model's limit, worded as each API words it. */
export function contextLimitError(req: FakeLlmRequest, tokens: number, limit: number): string {
  return req.api === 'anthropic'
    ? `prompt is too long: ${tokens} tokens > ${limit} maximum`
    : `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`;
}

/**
 * A provider-side prompt cache: a request's leading messages identical to an earlier request's
 * (same model) are served from cache. Message granularity, as cache breakpoints sit between messages.
 */
export class PromptCache {
  private readonly byModel = new Map<string, string[][]>();

  /** Cached tokens of this request, then remembers its prompt for the next ones. */
  serve(req: FakeLlmRequest, tokenizer: TokenizerName): number {
    const keys = req.messages.map((m) => `${m.role}\u0000${m.content}`);
    const earlier = this.byModel.get(req.model) ?? [];
    let longest = 0;
    for (const prompt of earlier) {
      let n = 0;
      while (n < prompt.length && n < keys.length && prompt[n] === keys[n]) n++;
      longest = Math.max(longest, n);
    }
    earlier.push(keys);
    if (earlier.length > CACHED_PROMPTS) earlier.shift();
    this.byModel.set(req.model, earlier);
    return promptTokens(req.messages.slice(0, longest), tokenizer);
  }

  clear(): void {
    this.byModel.clear();
  }
}
