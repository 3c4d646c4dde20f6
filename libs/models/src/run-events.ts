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
