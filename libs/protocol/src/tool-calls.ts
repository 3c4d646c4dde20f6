import type { ContentPart } from './schemas';
import type { ToolInfo } from './tools';

// Types only, no schema: the dashboard's chat page imports these without pulling zod into its bundle.

/** One tool call of a reply with its outcome, as the doors show it. */
export interface ToolCallSummary {
  toolCallId: string;
  /** The name the model called (`server__tool` for an MCP tool). */
  toolName: string;
  input: unknown;
  /** `running` until its result is known. */
  state: 'running' | 'ok' | 'error';
  output?: unknown;
  durationMs?: number;
}

type ToolResultPart = Extract<ContentPart, { type: 'tool-result' }>;

/**
 * Whether a stored tool result is a failure: its `isError`, or for replies stored before that was
 * recorded, the `{ error }` shape every failed call had.
 */
export function toolResultFailed(part: ToolResultPart): boolean {
  if (part.isError !== undefined) return part.isError;
  const out = part.output;
  return typeof out === 'object' && out !== null && !Array.isArray(out) && Object.keys(out).length === 1 && typeof (out as { error?: unknown }).error === 'string';
}

/** A reply's tool calls in the order they were made, each with its result (from the stored parts). */
export function toolCallsOf(parts: readonly ContentPart[]): ToolCallSummary[] {
  const calls: ToolCallSummary[] = [];
  const byId = new Map<string, ToolCallSummary>();
  for (const part of parts) {
    if (part.type === 'tool-call') {
      const call: ToolCallSummary = { toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, state: 'running' };
      calls.push(call);
      byId.set(part.toolCallId, call);
    } else if (part.type === 'tool-result') {
      const call = byId.get(part.toolCallId);
      if (!call) continue;
      call.state = toolResultFailed(part) ? 'error' : 'ok';
      call.output = part.output;
      if (part.durationMs !== undefined) call.durationMs = part.durationMs;
    }
  }
  return calls;
}

/** Where a called tool comes from: the tool list when it has it, else what its name says (`server__tool` is an MCP server's). */
export function toolOrigin(modelName: string, tools: readonly ToolInfo[] = []): { name: string; source: ToolInfo['source'] | null; server: string | null } {
  const known = tools.find((t) => t.modelName === modelName);
  if (known) return { name: known.name, source: known.source, server: known.server };
  const at = modelName.indexOf('__');
  if (at > 0) return { name: `${modelName.slice(0, at)}.${modelName.slice(at + 2)}`, source: 'mcp', server: modelName.slice(0, at) };
  return { name: modelName, source: null, server: null };
}
