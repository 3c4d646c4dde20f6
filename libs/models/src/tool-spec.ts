import type { z } from 'zod';

/** What a tool knows about the turn it runs in. */
export interface ToolContext {
  sessionId: string;
  turnId: string;
  channel: string;
  peerId: string;
  projectId: string | null;
  /** Who is speaking this turn (null: not known, e.g. a group member the door did not name). */
  speaker?: TurnSpeaker | null;
  /** The group chat of the conversation (`channel:group`), when it is one. */
  groupId?: string | null;
  abortSignal?: AbortSignal;
}

/** The person speaking in a turn, as every lib sees it. */
export interface TurnSpeaker {
  personId: string;
  role: 'owner' | 'member';
}

/**
 * A tool the orchestrator can offer a model: built-in tools and lib tools (memory) share this
 * provider-neutral shape; libs/models turns it into AI SDK tool calling.
 */
export interface ToolSpec<I = unknown, O = unknown> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  execute(input: I, ctx: ToolContext): Promise<O>;
}
