import type { ContentPart } from '@switchboard/protocol';
import type { ChatMessage, ChatToolCall } from './chat-message';
import type { TokenUsage } from './cost';
import type { ToolContext, ToolSpec } from './tool-spec';

/** A tool call as it happens, for watchers (`tool.started` / `tool.finished`). */
export type ToolEvent =
  | { type: 'started'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'finished'; toolCallId: string; toolName: string; ok: boolean; output: unknown; durationMs: number };

/** A switch to another model for one call, after the previous one kept failing. */
export interface FallbackNotice {
  from: string;
  to: string;
  error: string;
}

/** Sampling and format options forwarded to the provider as they are (the OpenAI door's request options). */
export interface CallSettings {
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** JSON mode, with a JSON schema when given (strict unless `strict: false`). */
  responseFormat?: { type: 'text' } | { type: 'json'; schema?: Record<string, unknown>; name?: string; description?: string; strict?: boolean };
}

/** A tool the caller runs itself: offered to the model, its calls returned instead of executed. */
export interface ClientToolSpec {
  name: string;
  description?: string;
  /** JSON schema of the arguments. */
  parameters: Record<string, unknown>;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { toolName: string };

export interface RunRequest {
  modelConfigId: string;
  system?: string;
  messages: ChatMessage[];
  abortSignal?: AbortSignal;
  maxOutputTokens?: number;
  /** Called for every text delta, in order (streaming only). */
  onDelta?: (text: string) => void;
  /** Called for every reasoning delta of a reasoning model, in order (streaming only); never part of the text. */
  onReasoningDelta?: (text: string) => void;
  /** Tools the model may call; the runner executes them and loops until the model answers. */
  tools?: ToolSpec[];
  toolContext?: ToolContext;
  /** Model round-trips allowed for tool use in one call (default 6). */
  maxToolIterations?: number;
  onToolEvent?: (event: ToolEvent) => void;
  /** Shortens a long tool result before the model sees it (delegated to the tool_summarisation role). */
  summariseToolResult?: (toolName: string, text: string) => Promise<string>;
  toolResultMaxChars?: number;
  /** Fails the call as a transient error when no first token came in time. */
  firstTokenTimeoutMs?: number;
  /** Fails the call when the stream, once started, sends nothing for this long (partial text is kept). */
  streamIdleTimeoutMs?: number;
  /** Sampling and format options for the provider. */
  callSettings?: CallSettings;
  /** Client tools: offered instead of `tools`; a call to one ends the run with `toolCalls`. */
  clientTools?: ClientToolSpec[];
  /** How the model may use `clientTools` (default auto). */
  toolChoice?: ToolChoice;
}

export interface RunResult {
  text: string;
  usage: TokenUsage;
  costUsd: number;
  /** The provider's finish reason (`stop`, `length`, ...), `aborted` when cancelled, `unknown` if none came. */
  finishReason: string;
  aborted: boolean;
  /** True when the provider reported no usage (aborted, or a server that omits it) and it was estimated. */
  usageEstimated: boolean;
  /** Provider-neutral record of the call: tool calls and results, then the answer text. */
  parts: ContentPart[];
  /** Model round-trips made (1 without tools). */
  steps: number;
  /** Calls to client tools the model made; the caller runs them (finish reason `tool-calls`). */
  toolCalls?: ChatToolCall[];
}
