import type { ChatMessage } from './chat-message';

/** Rough per-message framing cost (role markers, separators) added by chat formats. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** Fast token estimate (ceil(chars / 4)) for budgets; not a tokenizer, never billed. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Token estimate of a whole prompt: the system prompt plus every message with its framing. */
export function estimateMessagesTokens(messages: readonly ChatMessage[], system?: string): number {
  let total = system ? estimateTokens(system) + MESSAGE_OVERHEAD_TOKENS : 0;
  for (const message of messages) total += estimateTokens(message.content) + MESSAGE_OVERHEAD_TOKENS;
  return total;
}
