import { randomUUID } from 'node:crypto';
import { ErrorCode, SwitchboardError, isSwitchboardError, type Channel, type ModelSource } from '@switchboard/protocol';
import {
  isProviderCallError,
  validateModelRef,
  type CallSettings,
  type ChatMessage,
  type ChatToolCall,
  type ClientToolSpec,
  type LoadedConfig,
  type ModelCatalog,
  type ModelResolution,
  type ResolveModelInput,
  type ToolChoice,
  type ToolSpec,
  type TurnSpeaker,
} from '@switchboard/models';
import type { SessionRepository } from '../store/session-repository';
import { PRIMARY_USAGE_ROLE } from '../store/usage.store';
import { buildPrompt } from '../context/build-prompt';
import { prepareTurnContext } from './prepare-system';
import type { PeerRef } from '../sessions/agent-routing';
import type { EngineLogger, ModelStreamer, PeoplePort, TurnContext, TurnHooks, UsageObserver } from '../engine/engine.types';
import type { AttachmentPolicy } from '../attachments/attachment-policy';
import { addPdfTexts } from '../attachments/turn-files';

/** Server-side tools a stateless call may use: they read, and need no stored conversation. */
const STATELESS_SERVER_TOOLS = new Set(['current_time', 'memory_search']);

/** A conversation the caller holds (the OpenAI door without a session key): nothing is stored but usage. */
export interface StatelessTurnRequest {
  channel: Channel;
  /** The person the call is made for (OpenAI `user`); recorded with the usage and used for agent routing. */
  person?: string | null;
  /** Explicit model (level 1 of the chain); null = the chain. */
  model?: string | null;
  /** The whole conversation, oldest first: system, user, assistant (with tool calls) and tool messages. */
  messages: ChatMessage[];
  callSettings?: CallSettings;
  maxOutputTokens?: number;
  /** The caller's own tools: server-side tools are then off and the model's calls are returned. */
  clientTools?: ClientToolSpec[];
  toolChoice?: ToolChoice;
}

/** A validated stateless call, ready to run: its model is known before anything is streamed. */
export interface PreparedStatelessTurn {
  turnId: string;
  request: StatelessTurnRequest;
  resolution: ModelResolution;
  /** Who the call is for, once admitted (the `user`'s person, else the owner). */
  speaker?: TurnSpeaker | null;
}

export interface StatelessTurnHandlers {
  abortSignal?: AbortSignal;
  onDelta?: (delta: string) => void;
  /** The call moved to a fallback model; deltas from now on are that model's. */
  onModel?: (modelConfigId: string) => void;
}

export interface StatelessTurnResult {
  turnId: string;
  /** The model config that answered (a fallback's, when the resolved one failed). */
  modelConfigId: string;
  modelSource: ModelSource;
  warnings: string[];
  text: string;
  toolCalls: ChatToolCall[];
  /** The provider's unified finish reason (`stop`, `length`, `tool-calls`, `content-filter`, ...), `aborted` when cancelled. */
  finishReason: string;
  aborted: boolean;
  usage: { inputTokens: number; outputTokens: number; cachedTokens: number; costUsd: number };
}

export interface StatelessTurnsDeps {
  repo: SessionRepository;
  catalog: ModelCatalog;
  config: LoadedConfig;
  streamer: ModelStreamer;
  hooks: TurnHooks[];
  tools: ToolSpec[];
  log: EngineLogger;
  defaultSystemPrompt: string;
  resolve(peer: PeerRef, levels: Pick<ResolveModelInput, 'explicit'>): ModelResolution;
  agentFor(peer: PeerRef): { systemPrompt?: string; tools?: string[] } | null;
  isStopped(): boolean;
  /** Told of the call's usage (metrics), as the delegator tells of its own. */
  onUsage?: UsageObserver;
  /** Who people are and what they may send. */
  people?: PeoplePort | null;
  /** The attachment rules (limits, what models read). */
  attachments: AttachmentPolicy;
}

/**
 * Turns whose conversation lives with the caller: the same model resolution, failover, memory
 * injection, system prompt rules and usage accounting as a session turn, but no session, message
 * or queue row is written — only the usage (with the channel and the person).
 */
export class StatelessTurns {
  private readonly running = new Set<AbortController>();

  constructor(private readonly deps: StatelessTurnsDeps) {}

  /** Validates the call (model, messages) without side effects; throws INVALID_MODEL / VALIDATION_FAILED. */
  prepare(request: StatelessTurnRequest): PreparedStatelessTurn {
    if (this.deps.isStopped()) throw new SwitchboardError(ErrorCode.SESSION_BUSY, 'The server is shutting down.');
    const explicit = request.model ? validateModelRef(this.deps.catalog, request.model).id : null;
    if (!request.messages.some((m) => m.role === 'user' || m.role === 'tool')) {
      throw new SwitchboardError(ErrorCode.VALIDATION_FAILED, 'messages: at least one user message is required.', { field: 'messages' });
    }
    const resolution = this.deps.resolve(this.peerOf(request), { explicit });
    // Every user message's files within the limits; the new one's readable by the model (older
    // ones a model cannot read reach it as a note, as after an engine switch).
    const users = request.messages.filter((m) => m.role === 'user');
    for (const m of users) if (m.files?.length) this.deps.attachments.checkMessage(m.files.map((f) => ({ size: f.data.byteLength })));
    const files = users[users.length - 1]?.files ?? [];
    this.deps.attachments.requireReadable(resolution.modelConfigId, files);
    return { turnId: randomUUID(), request, resolution };
  }

  /**
   * Who the call is for (the `user`'s person, created on first sight; without one, the owner)
   * and whether they may make it: RATE_LIMITED / BUDGET_EXCEEDED before any model call.
   */
  async admit(prepared: PreparedStatelessTurn): Promise<void> {
    const people = this.deps.people;
    if (!people) {
      prepared.speaker = null;
      return;
    }
    const { channel, person } = prepared.request;
    const conversation = { channel, peerId: '', groupKey: null };
    const speaker = await people.speakerFor({ ...conversation, personId: await people.conversationPerson(conversation) }, person ? { peerId: person } : null);
    await people.admit(speaker);
    prepared.speaker = speaker;
  }

  /** Runs a prepared call; provider failures become PROVIDER_ERROR / RATE_LIMITED with the partial text. */
  async run(prepared: PreparedStatelessTurn, handlers: StatelessTurnHandlers = {}): Promise<StatelessTurnResult> {
    if (prepared.speaker === undefined) await this.admit(prepared);
    const { turnId, request, resolution } = prepared;
    const { deps } = this;
    const log = deps.log.child({ turnId, channel: request.channel, stateless: true });
    const abort = new AbortController();
    const forward = () => abort.abort(handlers.abortSignal?.reason);
    if (handlers.abortSignal?.aborted) forward();
    else handlers.abortSignal?.addEventListener('abort', forward, { once: true });
    this.running.add(abort);
    const t0 = performance.now();
    try {
      const peer = this.peerOf(request);
      const agent = deps.agentFor(peer);
      // Leading system messages of the caller extend our system prompt; later ones stay in place.
      let lead = 0;
      while (lead < request.messages.length && request.messages[lead].role === 'system') lead++;
      const callerSystem = request.messages.slice(0, lead).map((m) => m.content).filter(Boolean).join('\n\n');
      const history = request.messages.slice(lead);
      const lastUser = [...history].reverse().find((m) => m.role === 'user')?.content ?? '';

      const ctx: TurnContext = {
        sessionId: '',
        turnId,
        channel: request.channel,
        peerId: peer.peerId,
        projectId: null,
        agent: null,
        userText: lastUser,
        userMessageId: '',
        speaker: prepared.speaker ?? null,
        groupId: null,
        stateless: true,
      };
      let system = agent?.systemPrompt ?? deps.config.systemPrompt ?? deps.defaultSystemPrompt;
      if (callerSystem) system += '\n\n' + callerSystem;
      const turnContext = await prepareTurnContext(deps.hooks, ctx, log);
      const contextWindow = deps.catalog.get(resolution.modelConfigId)?.contextWindow ?? 8192;
      const count = deps.streamer.tokenCounter?.(resolution.modelConfigId);
      const prompt = buildPrompt({ system, history, contextWindow, ...(turnContext ? { turnContext } : {}), ...(count ? { count } : {}) });
      if (prompt.summarisedCount) log.info({ summarised: prompt.summarisedCount }, 'history summarised to fit the context budget');
      await addPdfTexts(prompt.messages, {
        acceptsPdf: deps.catalog.accepts(resolution.modelConfigId, 'pdf'),
        contextWindow,
        pdfTextMaxChars: deps.config.attachments.pdfTextMaxChars,
        log,
      });

      const clientTools = request.clientTools?.length ? request.clientTools : undefined;
      const serverTools = clientTools ? undefined : this.serverTools(agent);
      const result = await deps.streamer.stream({
        modelConfigId: resolution.modelConfigId,
        system: prompt.system,
        messages: prompt.messages,
        abortSignal: abort.signal,
        ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
        ...(request.callSettings ? { callSettings: request.callSettings } : {}),
        ...(clientTools ? { clientTools, ...(request.toolChoice ? { toolChoice: request.toolChoice } : {}) } : {}),
        ...(serverTools
          ? {
              tools: serverTools,
              toolContext: { sessionId: '', turnId, channel: request.channel, peerId: peer.peerId, projectId: null, speaker: ctx.speaker, groupId: null },
              maxToolIterations: deps.config.limits.maxToolIterations,
              toolResultMaxChars: deps.config.limits.toolResultMaxChars,
            }
          : {}),
        onFallback: (notice) => {
          log.warn({ from: notice.from, to: notice.to, err: notice.error }, 'model fallback');
          handlers.onModel?.(notice.to);
        },
        onDelta: (delta) => handlers.onDelta?.(delta),
      });
      const answeredBy = result.modelConfigId ?? resolution.modelConfigId;
      const usage = { ...result.usage, costUsd: result.costUsd };
      await deps.repo.usage.record({
        sessionId: null,
        channel: request.channel,
        person: request.person ?? null,
        personId: prepared.speaker?.personId ?? null,
        turnId,
        role: PRIMARY_USAGE_ROLE,
        modelConfigId: answeredBy,
        ...usage,
      });
      deps.onUsage?.({ role: PRIMARY_USAGE_ROLE, modelConfigId: answeredBy, ...usage });
      const warnings = [...resolution.warnings];
      for (const f of result.fallbacks ?? []) warnings.push(`${deps.catalog.label(f.from)} failed; answered by ${deps.catalog.label(f.to)} for this reply only.`);
      log.info(
        { model: answeredBy, source: resolution.source, finish: result.finishReason, toolCalls: result.toolCalls?.length, ms: Math.round(performance.now() - t0) },
        'stateless turn finished',
      );
      return {
        turnId,
        modelConfigId: answeredBy,
        modelSource: resolution.source,
        warnings,
        text: result.text,
        toolCalls: result.toolCalls ?? [],
        finishReason: result.finishReason,
        aborted: result.aborted,
        usage,
      };
    } catch (err) {
      log.warn({ err: errorText(err), model: resolution.modelConfigId }, 'stateless turn failed');
      if (isSwitchboardError(err)) throw err;
      if (isProviderCallError(err)) {
        throw new SwitchboardError(err.code, `The model call failed: ${err.message}`, {
          model: err.modelConfigId,
          ...(err.partialText ? { partialText: err.partialText } : {}),
        });
      }
      throw err;
    } finally {
      handlers.abortSignal?.removeEventListener('abort', forward);
      this.running.delete(abort);
    }
  }

  /** Aborts every running stateless call (shutdown). */
  abortAll(): void {
    for (const a of this.running) a.abort();
  }

  private peerOf(request: StatelessTurnRequest): PeerRef {
    return { agent: null, channel: request.channel, peerId: request.person ?? '' };
  }

  private serverTools(agent: { tools?: string[] } | null): ToolSpec[] | undefined {
    const allowed = this.deps.tools.filter((t) => STATELESS_SERVER_TOOLS.has(t.name) && (!agent?.tools || agent.tools.includes(t.name)));
    return allowed.length ? allowed : undefined;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
