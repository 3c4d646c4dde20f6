import type { ChatMessage, DelegationRole, LimitsConfig, ModelCatalog } from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import type { EngineLogger, ModelStreamer, UsageObserver } from '../engine/engine.types';

export interface DelegationRequest {
  sessionId: string;
  turnId?: string | null;
  system: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  /** How deep in delegation this call is (a turn's own delegations are depth 1). */
  depth?: number;
  abortSignal?: AbortSignal;
  /** Run on the offline demo model too (memory extraction diagnoses its reply); by default such roles return null. */
  offlineOk?: boolean;
  /** Who caused the call (its usage counts toward their budget); by default the turn's speaker, else the conversation's person. */
  personId?: string | null;
}

export interface DelegationResult {
  text: string;
  modelConfigId: string;
}

/**
 * Side work handed to the model of a delegation role (compaction, titles, tool summaries,
 * complex reasoning): one place that picks the model, bounds the depth and records usage
 * under the role, so per-role usage is exact.
 */
export class Delegator {
  /** The speakers of running turns: their delegated calls count toward them. */
  private readonly turnSpeakers = new Map<string, string | null>();

  constructor(
    private readonly deps: {
      streamer: ModelStreamer;
      catalog: ModelCatalog;
      repo: SessionRepository;
      limits: LimitsConfig;
      log: EngineLogger;
      onUsage?: UsageObserver;
    },
  ) {}

  /** The model a role would use, and whether it can do real work (the offline demo model cannot). */
  modelFor(role: DelegationRole): { id: string; usable: boolean } {
    const model = this.deps.catalog.forDelegation(role);
    return { id: model.id, usable: this.deps.catalog.providerType(model.provider) !== 'offline' && Boolean(this.deps.streamer.generate) };
  }

  /** While a turn runs, delegated calls made for it (by turn id) count toward its speaker; call the returned function when it ends. */
  trackTurn(turnId: string, personId: string | null): () => void {
    this.turnSpeakers.set(turnId, personId);
    return () => this.turnSpeakers.delete(turnId);
  }

  private async personFor(req: DelegationRequest): Promise<string | null> {
    if (req.personId !== undefined) return req.personId;
    if (req.turnId && this.turnSpeakers.has(req.turnId)) return this.turnSpeakers.get(req.turnId) ?? null;
    return req.sessionId ? ((await this.deps.repo.sessions.get(req.sessionId))?.personId ?? null) : null;
  }

  /** Runs the role's model; null when the role has no usable model (callers then fall back to deterministic work). */
  async run(role: DelegationRole, req: DelegationRequest): Promise<DelegationResult | null> {
    const depth = req.depth ?? 1;
    if (depth > this.deps.limits.maxDelegationDepth) {
      this.deps.log.warn({ role, depth }, 'delegation refused: maximum depth reached');
      return null;
    }
    const { id, usable } = this.modelFor(role);
    if (!this.deps.streamer.generate || (!usable && !req.offlineOk)) return null;
    const r = await this.deps.streamer.generate({
      modelConfigId: id,
      system: req.system,
      messages: req.messages,
      ...(req.maxOutputTokens ? { maxOutputTokens: req.maxOutputTokens } : {}),
      ...(req.abortSignal ? { abortSignal: req.abortSignal } : {}),
    });
    const modelConfigId = r.modelConfigId ?? id;
    await this.deps.repo.usage.record({
      sessionId: req.sessionId,
      turnId: req.turnId ?? null,
      personId: await this.personFor(req),
      role,
      modelConfigId,
      inputTokens: r.usage.inputTokens,
      outputTokens: r.usage.outputTokens,
      cachedTokens: r.usage.cachedTokens,
      costUsd: r.costUsd,
    });
    this.deps.onUsage?.({ role, modelConfigId, ...r.usage, costUsd: r.costUsd });
    return { text: r.text, modelConfigId };
  }
}
