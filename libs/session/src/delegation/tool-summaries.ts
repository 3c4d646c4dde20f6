import type { Delegator } from './delegator';

/**
 * A tool result too long for the context, summarised by the tool_summarisation role; cut
 * with a marker when the role has no usable model.
 */
export async function summariseToolResult(
  delegator: Delegator,
  maxChars: number,
  call: { sessionId: string; turnId: string; toolName: string; raw: string },
): Promise<string> {
  const { sessionId, turnId, toolName, raw } = call;
  const r = await delegator.run('tool_summarisation', {
    sessionId,
    turnId,
    system: `Summarise this result of the tool "${toolName}" in under ${Math.floor(maxChars / 2)} characters, keeping every fact the user may need.`,
    messages: [{ role: 'user', content: raw.slice(0, 200_000) }],
    maxOutputTokens: Math.floor(maxChars / 8),
  });
  return r?.text ? `[summarised] ${r.text}` : raw.slice(0, maxChars) + ' …[truncated]';
}
