import type { AgentConfig, ToolContext, ToolSpec } from '@switchboard/models';
import type { ModelStreamer } from '../engine/engine.types';

/** Tools offered by allow-list pattern only (MCP servers' tools), looked up at each call. */
export interface PatternToolSource {
  toolsFor(allowList: readonly string[] | undefined): ToolSpec[];
}

/**
 * A streamer that adds, to each turn's model call, the tools of `source` that the turn's agent
 * allows (by its `tools` patterns, e.g. `github.*`). These tools come and go while the process
 * runs (a server connects or drops), so they are chosen per call rather than fixed at start.
 */
export function withAgentTools(
  streamer: ModelStreamer,
  source: PatternToolSource,
  agentFor: (ctx: ToolContext) => Promise<AgentConfig | null>,
): ModelStreamer {
  const wrapped: ModelStreamer = {
    async stream(req) {
      const agent = req.toolContext ? await agentFor(req.toolContext) : null;
      const extra = source.toolsFor(agent?.tools);
      if (!extra.length) return streamer.stream(req);
      const names = new Set((req.tools ?? []).map((t) => t.name));
      return streamer.stream({ ...req, tools: [...(req.tools ?? []), ...extra.filter((t) => !names.has(t.name))] });
    },
  };
  if (streamer.generate) wrapped.generate = streamer.generate.bind(streamer);
  if (streamer.tokenCounter) wrapped.tokenCounter = streamer.tokenCounter.bind(streamer);
  return wrapped;
}
