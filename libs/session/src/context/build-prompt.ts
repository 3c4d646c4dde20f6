import { charsForTokens, estimateTokens, type ChatMessage, type CountTokens } from '@switchboard/models';
import { buildConversationSummary } from './build-conversation-summary';
import { attachmentTokens } from '../attachments/turn-files';

export interface BuildPromptInput {
  system: string;
  /** Conversation so far, oldest first, ending with the user message of this turn. */
  history: ChatMessage[];
  contextWindow: number;
  /** Share of the context window the prompt may use (the rest is left for the reply). */
  budgetPct?: number;
  /** The model's token counter (default: the estimate). */
  count?: CountTokens;
  /**
   * This turn's own material (retrieved memories): sent as a system message just before the
   * current user message, so the prefix before it stays the same from turn to turn (prompt caches).
   */
  turnContext?: string;
}

/** Share of the context window a prompt may use by default; compaction runs before a prompt passes it. */
export const PROMPT_BUDGET_SHARE = 0.75;

export interface BuiltPrompt {
  system: string;
  messages: ChatMessage[];
  /** How many older messages were replaced by the head + tail summary. */
  summarisedCount: number;
  promptTokens: number;
}

/**
 * Fits a provider-neutral history into a model's context budget: when it does not fit, the
 * oldest messages are replaced by a budget-capped head + tail summary in the system prompt.
 */
export function buildPrompt(input: BuildPromptInput): BuiltPrompt {
  const count = input.count ?? estimateTokens;
  const budget = Math.max(256, Math.floor(input.contextWindow * (input.budgetPct ?? PROMPT_BUDGET_SHARE)));
  const turnTokens = input.turnContext ? count(input.turnContext) + 4 : 0;
  const systemTokens = count(input.system) + turnTokens;
  let total = systemTokens;
  for (const m of input.history) total += count(m.content) + 4 + attachmentTokens(m);
  if (total <= budget) {
    return { system: input.system, messages: withTurnContext(input.history, input.turnContext), summarisedCount: 0, promptTokens: total };
  }

  // Keep the newest messages within ~70% of what is left, summarise the rest in ~25%.
  const available = Math.max(64, budget - systemTokens);
  const keepBudget = Math.floor(available * 0.7);
  const kept: ChatMessage[] = [];
  let used = 0;
  for (let i = input.history.length - 1; i >= 0; i--) {
    const cost = count(input.history[i].content) + 4 + attachmentTokens(input.history[i]);
    // The current user message is always kept, even if it alone is over budget.
    if (kept.length > 0 && used + cost > keepBudget) break;
    kept.unshift(input.history[i]);
    used += cost;
  }
  // A provider wants the conversation to open with a user turn.
  while (kept.length > 1 && kept[0].role !== 'user') {
    used -= count(kept[0].content) + 4 + attachmentTokens(kept[0]);
    kept.shift();
  }
  const dropped = input.history.slice(0, input.history.length - kept.length);
  const said = dropped.filter((m): m is ChatMessage & { role: 'user' | 'assistant' } => m.role === 'user' || m.role === 'assistant');
  // The summary is capped in characters: as many as ~25% of the budget holds in this conversation's script.
  const summaryChars = Math.max(200, charsForTokens(Math.floor(available * 0.25), said.map((m) => m.content).join('\n'), count));
  const summary = buildConversationSummary(said, { maxChars: summaryChars });
  const system = summary
    ? `${input.system}\n\n<conversation_summary>\nEarlier in this conversation (summarised, ${dropped.length} messages):\n${summary}\n</conversation_summary>`
    : input.system;
  return { system, messages: withTurnContext(kept, input.turnContext), summarisedCount: dropped.length, promptTokens: count(system) + turnTokens + used };
}

/** The messages with the turn's material placed just before the last (current) one. */
function withTurnContext(messages: ChatMessage[], turnContext: string | undefined): ChatMessage[] {
  if (!turnContext || messages.length === 0) return messages;
  return [...messages.slice(0, -1), { role: 'system', content: turnContext }, messages[messages.length - 1]];
}
