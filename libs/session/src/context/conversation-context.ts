import type { Message } from '@switchboard/protocol';
import { charsForTokens, estimateTokens, type CountTokens, type LoadedConfig, type ModelCatalog } from '@switchboard/models';
import { buildConversationSummary } from './build-conversation-summary';
import { PROMPT_BUDGET_SHARE } from './build-prompt';
import type { SessionRepository } from '../store/session-repository';
import { SESSION_MODEL_KEY } from '../store/session-config.store';
import type { EngineLogger } from '../engine/engine.types';
import { errorText } from '../engine/error-text';
import type { Delegator } from '../delegation/delegator';
import type { PeerRef } from '../sessions/agent-routing';
import type { ModelChoice } from '../sessions/model-choice';
import type { SessionEvents } from '../sessions/session-events';
import { attachmentTokens, type HistoryMessage } from '../attachments/turn-files';

export const DEFAULT_SYSTEM_PROMPT =
  'You are Switchboard, a helpful personal assistant. Answer clearly and concisely; use Markdown when it helps.';

/** The history a turn sends, and the compaction that keeps it within the model's context. */
export interface TurnHistory {
  /** User lines carry their attachments' metadata; the turn loads the bytes of those it sends. */
  history: HistoryMessage[];
  summary: string | null;
  /** The compaction event stored by this call, if it compacted. */
  compacted: Message | null;
}

export interface ConversationContextDeps {
  repo: SessionRepository;
  catalog: ModelCatalog;
  config: LoadedConfig;
  choice: ModelChoice;
  delegator: Delegator;
  views: SessionEvents;
  log: EngineLogger;
}

function withFileNames(content: string, attachments: HistoryMessage['attachments']): string {
  if (!attachments?.length) return content;
  return `[attached: ${attachments.map((a) => a.name).join(', ')}] ${content}`.trim();
}

/** A conversation's context for the model: its system prompt, its history, and compaction. */
export class ConversationContext {
  constructor(private readonly deps: ConversationContextDeps) {}

  /** The base system prompt: the routed agent's, else the config file's, else the built-in one. */
  systemPromptFor(peer: PeerRef): string {
    return this.deps.choice.agentFor(peer)?.systemPrompt ?? this.deps.config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
  }

  /**
   * The history a turn sends: messages after the last compaction, with that compaction's
   * summary. When they pass the threshold share of the context window (or `force`), the older
   * turns are summarised by the compaction role, keeping the last `keepTurns` turns verbatim
   * (the configured number unless given).
   */
  async contextFor(
    sessionId: string,
    turnId: string | null,
    system: string,
    contextWindow: number,
    force: boolean,
    log: EngineLogger,
    count: CountTokens = estimateTokens,
    keepTurns: number = this.deps.config.compaction.keepTurns,
  ): Promise<TurnHistory> {
    const { repo, config, catalog, delegator, views } = this.deps;
    const last = await repo.messages.lastOfKind(sessionId, 'compaction');
    const upToSeq = typeof last?.event?.upToSeq === 'number' ? (last.event.upToSeq as number) : 0;
    const summary = last && typeof last.event?.summary === 'string' ? (last.event.summary as string) : null;
    const visible = await repo.messages.conversation(sessionId, { limit: 1000, afterSeq: upToSeq });
    const history: HistoryMessage[] = visible.map((m) => (m.attachments ? { role: m.role, content: m.content, attachments: m.attachments } : { role: m.role, content: m.content }));
    const { thresholdPct, summaryMaxTokens } = config.compaction;
    const tokens = count(system) + count(summary ?? '') + history.reduce((n, m) => n + count(m.content) + 4 + attachmentTokens(m), 0);
    // Compaction comes before the prompt budget would trim the oldest turns: trimming changes the
    // prompt's prefix on every turn (no prompt cache hits), a compaction only once.
    if (!force && tokens <= contextWindow * Math.min(thresholdPct / 100, PROMPT_BUDGET_SHARE)) return { history, summary, compacted: null };

    // Keep the last `keepTurns` user turns (with their replies) verbatim; the current one always.
    let kept = 0;
    let cut = visible.length;
    for (let i = visible.length - 1; i >= 0; i--) {
      if (visible[i].role === 'user') {
        if (kept >= Math.max(1, keepTurns)) break;
        kept++;
        cut = i;
      }
    }
    const older = visible.slice(0, cut);
    if (older.length === 0) return { history, summary, compacted: null };
    // A summary keeps that files were sent (by name), not what they held.
    const olderText = older.map((m) => ({ role: m.role as 'user' | 'assistant', content: withFileNames(m.content, m.attachments) }));
    let newSummary: string | null = null;
    let model: string | null = null;
    try {
      const r = await delegator.run('compaction', {
        sessionId,
        turnId,
        system:
          `Summarise the conversation below for your own later use, in at most ${summaryMaxTokens} tokens. ` +
          'Keep every fact, decision, preference, name, number and open question; drop pleasantries. Write plain prose or bullets.',
        messages: [
          {
            role: 'user',
            content: (summary ? `Earlier summary:\n${summary}\n\n` : '') + 'Conversation:\n' + olderText.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.content}`).join('\n'),
          },
        ],
        maxOutputTokens: summaryMaxTokens,
      });
      if (r?.text.trim()) {
        newSummary = r.text.trim();
        model = r.modelConfigId;
      }
    } catch (err) {
      log.warn({ err: errorText(err) }, 'compaction model failed; using the extractive summary');
    }
    const maxChars = charsForTokens(summaryMaxTokens, olderText.map((m) => m.content).join('\n'), count);
    newSummary ??= [summary, buildConversationSummary(olderText, { maxChars })].filter(Boolean).join('\n');
    const compacted = await views.appendSystemEvent(
      sessionId,
      'compaction',
      `Compacted ${older.length} earlier messages into a summary${model ? ` (${catalog.label(model)})` : ''}; the full history is kept.`,
      { summary: newSummary, upToSeq: older[older.length - 1].seq, summarisedMessages: older.length, model },
    );
    log.info({ summarised: older.length, model }, 'conversation compacted');
    return { history: history.slice(older.length), summary: newSummary, compacted };
  }

  /** `/compact`: summarises the older turns now; null when there is nothing to summarise. */
  async compact(sessionId: string): Promise<Message | null> {
    const { repo, choice, catalog, log } = this.deps;
    const session = await repo.sessions.require(sessionId);
    const eff = choice.resolveFor(session, { session: await repo.config.get(sessionId, SESSION_MODEL_KEY) });
    const system = this.systemPromptFor(session);
    const { compacted } = await this.contextFor(sessionId, null, system, catalog.get(eff.modelConfigId)?.contextWindow ?? 8192, true, log);
    return compacted;
  }
}
