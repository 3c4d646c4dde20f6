/** What the server hands a wire format (OpenAI / Anthropic) to render one reply or error. */
import type { FakeLlmRequest } from './fake-llm.types';

export interface ReplyUsage {
  /** total prompt tokens, cached ones included (OpenAI semantics) */
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
}

export interface ReplyPlan {
  id: string;
  /** unix seconds, fixed per reply so every chunk agrees */
  created: number;
  request: FakeLlmRequest;
  text: string;
  /** a reasoning model's thinking, sent before the text (OpenAI: `reasoning_content`; Anthropic: a thinking block) */
  reasoning?: string;
  usage: ReplyUsage;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
}

/** SSE frames of one streamed reply: `head` before any content, one `delta` per chunk, `tail` to finish. */
export interface StreamFrames {
  head: string;
  delta(text: string): string;
  tail: string;
}

export interface WireFormat {
  /** a whole streamed reply that calls tools */
  toolCallStream(plan: ReplyPlan): string;
  completion(plan: ReplyPlan): unknown;
  stream(plan: ReplyPlan): StreamFrames;
  error(status: number, message: string): unknown;
}
