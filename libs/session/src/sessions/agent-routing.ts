import type { AgentConfig } from '@switchboard/models';
import type { Channel } from '@switchboard/protocol';
import { matchesPeer } from '../peer-match';

/** Who a call is for, as the agent routing and the resolution chain see it. */
export interface PeerRef {
  agent: string | null;
  channel: Channel;
  peerId: string;
}

/**
 * The agent profile a conversation uses: the one it names, else the first whose channel and
 * peer glob match; null for none. The engine (prompt, tools, model) and memory (on/off) both ask here.
 */
export function routeAgent(
  agents: readonly AgentConfig[],
  peer: { agent?: string | null; channel?: string | null; peerId?: string | null },
): AgentConfig | null {
  if (peer.agent) return agents.find((a) => a.name === peer.agent) ?? null;
  for (const a of agents) {
    const channelOk = !a.match?.channel || a.match.channel === '*' || a.match.channel === peer.channel;
    if (channelOk && matchesPeer(a.match?.peer ?? '*', peer.peerId ?? '')) return a;
  }
  return null;
}
