import {
  ErrorCode,
  MEMORY_MAX_CHARS,
  OWNER_PERSON_ID,
  SwitchboardError,
  type CreateMemoryRequest,
  type ListMemoriesQuery,
  type Memory,
  type MemoryDecision,
  type MemoryMetrics,
  type MemoryScope,
  type MemorySettings,
  type UpdateMemoryRequest,
} from '@switchboard/protocol';
import { OFFLINE_MODEL, type ChatMessage, type TurnSpeaker } from '@switchboard/models';
import { buildExtractionPrompt, type ExtractionTurn } from '../extraction/extraction-prompt';
import { parseExtractionResponse, type ParsedExtraction } from '../extraction/parse-extraction';
import { DEFAULT_GATE_CONFIG, GATE_NEIGHBOURS, evaluateCandidate, precheckCandidate } from '../gate/quality-gate';
import type { GateConfig, GateDecision, MemoryCandidate, MemoryLike, MemoryOrigin } from '../memory.types';
import { DebounceQueue, silentMemoryLogger, type MemoryLogger } from '../queue/debounce-queue';
import {
  DEFAULT_RETRIEVAL_CONFIG,
  formatMemorySection,
  fuseRelevance,
  packWithinBudget,
  rankMemories,
  relevanceFromBm25,
  type RetrievalConfig,
} from '../retrieval/rank-memories';
import { contentHash, factTokens, normaliseWhitespace } from '../text/normalise-text';
import { grounding } from '../text/similarity';
import { MemorySettingsStore } from '../store/memory-settings.store';
import { MemoryEmbeddings, type MemoryEmbeddingMetrics, type MemoryEmbeddingModel } from '../embeddings/memory-embeddings';
import {
  inScope,
  normaliseOwner,
  ownerFilter,
  toMemory,
  type MemoryOwner,
  type MemoryRecord,
  type MemoryScopeFilter,
  type MemoryStore,
  type NewMemoryInput,
} from '../store/memory.store';

/** The delegated model call extraction needs (libs/models' ModelRunner implements it). */
export interface MemoryModelClient {
  generate(req: { modelConfigId: string; system?: string; messages: ChatMessage[]; maxOutputTokens?: number }): Promise<{
    text: string;
    usage: { inputTokens: number; outputTokens: number; cachedTokens: number };
    costUsd: number;
  }>;
}

/**
 * The app's delegator (libs/session's Delegator fits): the extraction call gets the same
 * failover, depth guard and usage accounting (under `memory_extraction`) as every delegated call.
 */
export interface MemoryDelegate {
  /** Null when the role has no model to run. */
  run(
    role: 'memory_extraction',
    req: {
      sessionId: string;
      /** The person the call is made for (the speaker): its usage counts toward them. */
      personId?: string | null;
      system: string;
      messages: ChatMessage[];
      maxOutputTokens?: number;
      offlineOk?: boolean;
    },
  ): Promise<{ text: string; modelConfigId: string } | null>;
}

/** One extraction call's usage, for the session's delegation roll-up. */
export interface MemoryUsage {
  sessionId: string;
  role: 'memory_extraction';
  modelConfigId: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
}

/** What memory needs to know about a turn (a structural subset of the engine's TurnContext). */
export interface MemoryTurnContext {
  sessionId: string;
  turnId: string;
  projectId: string | null;
  userText: string;
  userMessageId: string;
  channel?: string;
  peerId?: string;
  agent?: string | null;
  /** Who is speaking (null or absent: the door could not say). */
  speaker?: TurnSpeaker | null;
  /** The group chat (`channel:groupKey`) of the conversation; null or absent for a private one. */
  groupId?: string | null;
}

/** Whom a turn is for: the speaker, the group chat it happens in, the conversation's project. */
export interface MemoryAudience {
  speaker: TurnSpeaker | null;
  groupId: string | null;
  projectId: string | null;
}

/**
 * What a turn may read: global, the project's, the group's (in a group chat) and the speaker's own
 * memories — the speaker's only in a private conversation, since a group reads the reply too.
 */
export function readableFor(audience: MemoryAudience): MemoryScopeFilter {
  return {
    scope: 'turn',
    personId: audience.groupId === null ? (audience.speaker?.personId ?? null) : null,
    groupId: audience.groupId,
    projectId: audience.projectId,
  };
}

/**
 * Whether the speaker of a turn may forget a memory: their own person memories and their group's;
 * an owner-role speaker also global and project ones. Never another person's memories.
 */
export function mayForget(memory: Pick<MemoryOwner, 'scope' | 'personId' | 'groupId'>, audience: Pick<MemoryAudience, 'speaker' | 'groupId'>): boolean {
  switch (memory.scope) {
    case 'person':
      return audience.speaker !== null && memory.personId === audience.speaker.personId;
    case 'group':
      return audience.groupId !== null && memory.groupId === audience.groupId;
    case 'global':
    case 'project':
      return audience.speaker?.role === 'owner';
  }
}

/** Who acts through the management API: absent means the owner (the API token is the owner's). */
export type MemoryActor = TurnSpeaker;

/** A decision as observed by metrics, logs and the bench. */
export interface DecisionEvent {
  origin: MemoryOrigin;
  sessionId: string | null;
  candidate: MemoryCandidate;
  decision: GateDecision;
  memoryId: string | null;
}

export interface MemoryServiceOptions {
  store: MemoryStore;
  settings: MemorySettingsStore;
  /** How the app runs extraction: its delegator (usage is recorded there). Preferred over `model`. */
  delegate?: MemoryDelegate | null;
  /** A plain model client for standalone use (the bench, lib tests); without it or `delegate` nothing is extracted. */
  model?: MemoryModelClient | null;
  /** The model config id for the `memory_extraction` role, resolved at call time. */
  extractionModelId?: () => string | null;
  /** Records an extraction call's usage (the app wires it to the session usage store). */
  recordUsage?: (usage: MemoryUsage) => unknown;
  /** Tells a session what was remembered (the app appends a `memory_saved` system event). */
  notify?: (sessionId: string, text: string, memoryIds: string[]) => Promise<unknown>;
  /** Tells a session why an explicit "remember …" stored nothing (the app appends a `notice` system event). */
  explain?: (sessionId: string, text: string) => Promise<unknown>;
  /** Whether memory applies to a turn at all (e.g. an agent profile with `memory: false`). */
  allowed?: (ctx: MemoryTurnContext) => boolean;
  onDecision?: (event: DecisionEvent) => void;
  logger?: MemoryLogger;
  debounceMs?: number;
  maxWaitMs?: number;
  maxDepth?: number;
  maxKeys?: number;
  gate?: Partial<GateConfig>;
  retrieval?: Partial<RetrievalConfig>;
  /**
   * Semantic retrieval: an embedding model. Memories are embedded in the background; a turn's
   * question is embedded (within `queryTimeoutMs`) and its nearest memories are fused with the
   * full-text hits. Absent: lexical retrieval alone.
   */
  embeddings?: {
    model: MemoryEmbeddingModel;
    batchSize?: number;
    queryTimeoutMs?: number;
    cooldownMs?: number;
    retryMs?: number;
  } | null;
}

/** One debounced unit of extraction work: a session's recent turns (merged when the queue overflows). */
interface ExtractionEvent {
  sessionId: string;
  projectId: string | null;
  speaker: TurnSpeaker | null;
  groupId: string | null;
  turns: Array<ExtractionTurn & { messageId?: string }>;
  injectedIds: string[];
}

interface TurnState {
  sessionId: string;
  projectId: string | null;
  speaker: TurnSpeaker | null;
  groupId: string | null;
  userText: string;
  injectedIds: string[];
  /** False when memory does not apply to the turn (an agent profile with memory off). */
  allowed: boolean;
}


/** How many of the best full-text hits bring their neighbours (same source session, stored just before or after). */
const NEIGHBOUR_ANCHORS = 5;
/** How far around a hit, in memories stored from the same session. */
const NEIGHBOUR_RADIUS = 2;
/** A neighbour's relevance as a share of its hit's: below the hit, above weak matches. */
const NEIGHBOUR_WEIGHT = 0.5;

/** A memory retrieved for a turn, with its rank score. */
export type RetrievedMemory = MemoryRecord & { relevance: number; score: number };

const MAX_TRACKED_TURNS = 500;
const REJECTION_MESSAGES: Record<string, string> = {
  SECRET: 'This looks like a secret (a password, API key, token or card number); secrets are never stored.',
  DUPLICATE: 'This is already remembered.',
  NEAR_DUPLICATE: 'A memory already says this.',
  ALREADY_KNOWN: 'This is already remembered.',
  TOO_LONG: `A memory is at most ${MEMORY_MAX_CHARS} characters; split it into several.`,
  EMPTY: 'The memory is empty.',
  JUNK: 'This does not look like a lasting fact or preference.',
  LOW_CONFIDENCE: 'The memory was not confident enough to store.',
  NO_PROJECT: 'A project memory needs a project.',
  NOT_ALLOWED: 'This memory needs an owner it may be stored for.',
  NOT_FROM_USER: 'The memory is not grounded in what the user said.',
};

/** How many deleted conversations the service remembers (ids are never reused; only a batch running across a delete needs it). */
const MAX_DELETED_REMEMBERED = 1000;

/**
 * Memory for the engine and the API: retrieval and injection before a turn, debounced
 * extraction after it, the deterministic gate before anything is stored, and management.
 */
export class MemoryService {
  readonly store: MemoryStore;
  private readonly settingsStore: MemorySettingsStore;
  private readonly log: MemoryLogger;
  private readonly gateConfig: GateConfig;
  private readonly retrievalConfig: RetrievalConfig;
  private readonly queue: DebounceQueue<ExtractionEvent>;
  private readonly turns = new Map<string, TurnState>();
  /** Conversations deleted lately: a batch of theirs that was already running saves nothing. */
  private readonly deletedSessions = new Set<string>();
  private settingsCache: MemorySettings | null = null;
  /** The embedding side, when a model is configured and this database can hold vectors (null otherwise). */
  private embeddings: MemoryEmbeddings | null = null;
  private readonly counters = {
    extraction: { runs: 0, failures: 0, candidates: 0, emptyResponses: 0 },
    decisions: {} as Record<string, number>,
    reasons: {} as Record<string, number>,
    retrieval: { runs: 0, injected: 0, scopeViolations: 0 },
  };

  constructor(private readonly options: MemoryServiceOptions) {
    this.store = options.store;
    this.settingsStore = options.settings;
    this.log = options.logger ?? silentMemoryLogger;
    this.gateConfig = { ...DEFAULT_GATE_CONFIG, ...options.gate };
    this.retrievalConfig = { ...DEFAULT_RETRIEVAL_CONFIG, ...options.retrieval };
    this.queue = new DebounceQueue<ExtractionEvent>({
      delayMs: options.debounceMs ?? 2000,
      maxWaitMs: options.maxWaitMs,
      maxDepth: options.maxDepth ?? 20,
      maxKeys: options.maxKeys,
      logger: this.log,
      merge: (into, overflow) => ({
        ...into,
        turns: [...into.turns, ...overflow.turns],
        injectedIds: [...new Set([...into.injectedIds, ...overflow.injectedIds])],
      }),
      handle: (sessionId, events) => this.extractBatch(sessionId, events),
    });
    if (options.embeddings) {
      this.embeddings = new MemoryEmbeddings({ store: this.store, logger: this.log, ...options.embeddings });
    }
  }

  /**
   * Loads the settings and the search index's term statistics, so the first turn pays for neither;
   * with an embedding model, checks that the database can hold vectors and starts the background
   * indexing of memories that have none (or one from another model).
   */
  async start(): Promise<void> {
    await this.settings();
    await this.store.search('warm up', { scope: 'global' }, 1);
    if (this.embeddings) {
      if (await this.store.vectorsAvailable()) {
        this.log.info({ model: this.embeddings.modelKey }, 'semantic memory retrieval on: indexing memories without a vector in the background');
        this.embeddings.schedule();
      } else {
        this.log.warn({ model: this.embeddings.modelKey }, 'semantic memory retrieval off: this database cannot hold vectors here (sqlite-vec did not load); retrieval is lexical');
        await this.embeddings.close();
        this.embeddings = null;
      }
    }
  }

  /** The background embedding indexer's figures (null without an embedding model). */
  embeddingMetrics(): MemoryEmbeddingMetrics | null {
    return this.embeddings?.metrics() ?? null;
  }

  /** Resolves when the background embedding indexer has caught up (tests, the bench). */
  async embeddingsIdle(): Promise<void> {
    await this.embeddings?.idle();
  }

  /** Memories were written: their vectors are (re)computed in the background. */
  private reindex(): void {
    this.embeddings?.schedule();
  }

  // ------------------------------------------------------------------ settings

  async settings(): Promise<MemorySettings> {
    this.settingsCache ??= await this.settingsStore.get();
    return this.settingsCache;
  }

  /** Another replica changed the settings: the next read loads them again. */
  invalidateSettings(): void {
    this.settingsCache = null;
  }

  async updateSettings(patch: Partial<MemorySettings>): Promise<MemorySettings> {
    this.settingsCache = await this.settingsStore.update(patch);
    this.log.info({ ...this.settingsCache }, 'memory settings changed');
    return this.settingsCache;
  }

  // ------------------------------------------------------------------ engine hooks

  /** The turn hook for the engine: injection in `prepare`, extraction queued in `completed`. */
  turnHook() {
    return {
      name: 'memory',
      prepare: (ctx: MemoryTurnContext) => this.prepareTurn(ctx),
      completed: (ctx: MemoryTurnContext & { reply: { content: string } }) => this.turnCompleted(ctx),
      sessionDeleted: (sessionId: string) => this.sessionDeleted(sessionId),
    };
  }

  /**
   * A conversation was deleted: its turns still waiting for extraction are dropped, so its text
   * is not read (nor turned into memories) after the delete; a batch already running saves
   * nothing. Memories saved before the delete stay: they are managed on their own.
   */
  sessionDeleted(sessionId: string): void {
    const dropped = this.queue.discard(sessionId);
    for (const [turnId, state] of this.turns) if (state.sessionId === sessionId) this.turns.delete(turnId);
    this.deletedSessions.add(sessionId);
    if (this.deletedSessions.size > MAX_DELETED_REMEMBERED) this.deletedSessions.delete(this.deletedSessions.values().next().value as string);
    if (dropped > 0) this.log.info({ sessionId, turns: dropped }, 'conversation deleted: its pending memory extraction was dropped');
  }

  /** Retrieves the memories for a turn and returns the system-prompt section; remembers what was injected. */
  async prepareTurn(ctx: MemoryTurnContext): Promise<{ system?: string }> {
    const audience = audienceOf(ctx);
    const turn = { sessionId: ctx.sessionId, ...audience, userText: ctx.userText };
    if (!(await this.active(ctx))) {
      this.trackTurn(ctx.turnId, { ...turn, injectedIds: [], allowed: false });
      return {};
    }
    const memories = await this.retrieve(ctx.userText, audience);
    this.trackTurn(ctx.turnId, { ...turn, injectedIds: memories.map((m) => m.id), allowed: true });
    this.log.debug({ sessionId: ctx.sessionId, turnId: ctx.turnId, injected: memories.length }, 'memories injected');
    const section = formatMemorySection(memories);
    return section ? { system: section } : {};
  }

  /** Queues the finished turn for debounced extraction (user text is the source; the reply is context). */
  async turnCompleted(ctx: MemoryTurnContext & { reply: { content: string } }): Promise<void> {
    const state = this.turns.get(ctx.turnId);
    this.turns.delete(ctx.turnId);
    if (!(await this.active(ctx))) return;
    this.queue.enqueue(ctx.sessionId, {
      sessionId: ctx.sessionId,
      ...audienceOf(ctx),
      turns: [
        { role: 'user', content: ctx.userText, messageId: ctx.userMessageId },
        { role: 'assistant', content: ctx.reply.content },
      ],
      injectedIds: state?.injectedIds ?? [],
    });
  }

  private async active(ctx: MemoryTurnContext): Promise<boolean> {
    if (!(await this.settings()).enabled) return false;
    return this.options.allowed ? this.options.allowed(ctx) : true;
  }

  private trackTurn(turnId: string, state: TurnState): void {
    this.turns.set(turnId, state);
    if (this.turns.size > MAX_TRACKED_TURNS) this.turns.delete(this.turns.keys().next().value as string);
  }

  // ------------------------------------------------------------------ retrieval

  /**
   * What the turn may read (the speaker's own memories in a private chat, the group's in a group,
   * the project's, global), ranked by relevance to the text, confidence and recency, within the token budget.
   */
  async retrieve(text: string, audience: MemoryAudience): Promise<RetrievedMemory[]> {
    const filter = readableFor(audience);
    // The recent memories and the full-text search at once: on PostgreSQL they run side by side
    // on two connections (SQLite runs them one after the other, as before).
    const searching = this.store.search(text, filter, 30);
    const recent = await this.store.recent(filter, 30).catch(async (err: unknown) => {
      await searching.catch(() => undefined);
      throw err;
    });
    // Nothing active in scope (a new install, a new project): the search found nothing either,
    // and the embedding model is not asked.
    const pool = new Map<string, MemoryRecord & { relevance: number }>();
    if (recent.length === 0) await searching;
    else for (const r of await this.relevant(text, filter, 30, searching)) pool.set(r.id, r);
    // What was said just before or after the best hits often completes them (the dog's name in
    // the next message): those memories join at a fraction of their hit's relevance.
    const anchors = [...pool.values()].sort((a, b) => b.relevance - a.relevance).slice(0, NEIGHBOUR_ANCHORS);
    if (anchors.length > 0) {
      const around = await this.store.neighbours(anchors, filter, NEIGHBOUR_RADIUS);
      for (const n of around) {
        const anchor = anchors.find((a) => a.sourceSessionId === n.sourceSessionId && Math.abs(a.docId - n.docId) <= NEIGHBOUR_RADIUS);
        const score = anchor ? anchor.relevance * NEIGHBOUR_WEIGHT : 0;
        if ((pool.get(n.id)?.relevance ?? -1) < score) pool.set(n.id, { ...n, relevance: score });
      }
    }
    for (const r of recent) if (!pool.has(r.id)) pool.set(r.id, { ...r, relevance: 0 });
    const safe = [...pool.values()].filter((m) => {
      if (inScope(m, filter)) return true;
      this.counters.retrieval.scopeViolations++;
      this.log.error({ memoryId: m.id, scope: m.scope, projectId: audience.projectId }, 'memory outside the turn\'s scope was returned by a query; dropped');
      return false;
    });
    const packed = packWithinBudget(rankMemories(safe, Date.now(), this.retrievalConfig), this.retrievalConfig);
    this.counters.retrieval.runs++;
    this.counters.retrieval.injected += packed.length;
    return packed;
  }

  /**
   * Memories within the scope relevant to a text, best first, with their 0..1 relevance: the
   * full-text hits and, with an embedding model, the memories nearest the text by meaning, fused
   * (what a turn's retrieval starts from, and what the memory_search tool answers).
   */
  async search(text: string, filter: MemoryScopeFilter, limit: number): Promise<Array<MemoryRecord & { relevance: number }>> {
    return (await this.relevant(text, filter, limit)).filter((r) => r.relevance > 0).slice(0, limit);
  }

  private async relevant(
    text: string,
    filter: MemoryScopeFilter,
    limit: number,
    searching?: Promise<Array<{ record: MemoryRecord; bm25: number }>>,
  ): Promise<Array<MemoryRecord & { relevance: number }>> {
    const embeddings = this.embeddings;
    // The question's vector is asked for while the full-text search runs (or has been started).
    const vector = embeddings ? embeddings.queryVector(text) : Promise.resolve(null);
    const hits = await (searching ?? this.store.search(text, filter, limit));
    const semantic = embeddings ? await this.semanticHits(await vector, embeddings.modelKey, filter, limit) : [];
    const lexical = relevanceFromBm25(hits.map((h) => h.bm25));
    const fused = fuseRelevance(new Map(hits.map((h, i) => [h.record.id, lexical[i]])), new Map(semantic.map((h) => [h.record.id, h.similarity])));
    const out = new Map<string, MemoryRecord & { relevance: number }>();
    for (const r of [...hits.map((h) => h.record), ...semantic.map((h) => h.record)]) out.set(r.id, { ...r, relevance: fused.get(r.id) ?? 0 });
    // Best first; equal relevance keeps the full-text order (hits came first).
    return [...out.values()].sort((a, b) => b.relevance - a.relevance);
  }

  /** The memories nearest a question's vector; none (lexical alone) without a vector or when the search fails. */
  private async semanticHits(vector: number[] | null, model: string, filter: MemoryScopeFilter, limit: number): Promise<Array<{ record: MemoryRecord; similarity: number }>> {
    if (!vector) return [];
    try {
      return await this.store.semanticSearch(vector, model, filter, limit);
    } catch (err) {
      this.log.warn({ model, err: errorText(err) }, 'semantic memory search failed: retrieving lexically');
      return [];
    }
  }

  // ------------------------------------------------------------------ extraction

  /** Runs extraction for queued turns now (tests, shutdown). */
  flush(sessionId?: string): Promise<void> {
    return sessionId ? this.queue.flush(sessionId) : this.queue.flushAll();
  }

  /** Stops debouncing and flushes every pending extraction: call before the database closes. */
  async close(): Promise<void> {
    await this.queue.close();
    await this.embeddings?.close();
  }

  private async extractBatch(sessionId: string, events: ExtractionEvent[]): Promise<void> {
    if (this.deletedSessions.has(sessionId)) return;
    const settings = await this.settings();
    if (!settings.enabled) {
      this.log.info({ sessionId, events: events.length }, 'memory disabled since these turns were queued: nothing extracted');
      return;
    }
    const delegate = this.options.delegate ?? null;
    const model = delegate ? null : (this.options.model ?? null);
    const modelConfigId = delegate ? null : (this.options.extractionModelId?.() ?? null);
    if (!delegate && (!model || !modelConfigId)) {
      this.log.debug({ sessionId }, 'no extraction model configured: nothing extracted');
      return;
    }
    // The newest turn says whom the batch is for (a session's project, group and speaker rarely change).
    const { projectId, speaker, groupId } = events.at(-1)!;
    if (speaker === null && groupId === null) {
      this.log.info({ sessionId, turns: events.length }, 'speaker unknown in a private conversation: nothing extracted (a fact needs an owner)');
      return;
    }
    const audience: MemoryAudience = { projectId, speaker, groupId };
    const turns = events.flatMap((e) => e.turns);
    const userTurns = turns.filter((t) => t.role === 'user');
    if (factTokens(userTurns.map((t) => t.content).join(' ')).length === 0) {
      this.log.debug({ sessionId, turns: userTurns.length }, 'user turns hold no fact (greetings, thanks): nothing extracted');
      return;
    }
    const known = await this.store.getMany([...new Set(events.flatMap((e) => e.injectedIds))], readableFor(audience));
    const prompt = buildExtractionPrompt({ turns, known, hasProject: projectId !== null, maxChars: this.gateConfig.maxChars });
    this.counters.extraction.runs++;
    const t0 = performance.now();
    let parsed: ParsedExtraction;
    let usedModel = modelConfigId;
    try {
      const request = { system: prompt.system, messages: [{ role: 'user' as const, content: prompt.user }], maxOutputTokens: 2000 };
      let text: string;
      if (delegate) {
        // The delegator records the usage under the role (and fails over like every delegated call).
        // The offline demo model runs too: its reply is diagnosed like any other.
        const r = await delegate.run('memory_extraction', { sessionId, personId: speaker?.personId ?? null, ...request, offlineOk: true });
        if (!r) return;
        text = r.text;
        usedModel = r.modelConfigId;
        if (this.deletedSessions.has(sessionId)) {
          this.log.info({ sessionId }, 'conversation deleted during its memory extraction: nothing saved');
          return;
        }
      } else {
        const result = await model!.generate({ modelConfigId: modelConfigId!, ...request });
        if (this.deletedSessions.has(sessionId)) {
          this.log.info({ sessionId }, 'conversation deleted during its memory extraction: nothing saved');
          return;
        }
        await Promise.resolve(
          this.options.recordUsage?.({ sessionId, role: 'memory_extraction', modelConfigId: modelConfigId!, ...result.usage, costUsd: result.costUsd }),
        ).catch((err) => this.log.warn({ sessionId, err: errorText(err) }, 'could not record memory extraction usage'));
        text = result.text;
      }
      parsed = parseExtractionResponse(text, this.gateConfig);
    } catch (err) {
      this.counters.extraction.failures++;
      this.log.warn({ sessionId, model: modelConfigId, err: errorText(err) }, 'memory extraction call failed');
      return;
    }
    this.counters.extraction.candidates += parsed.found;
    for (const r of parsed.rejected) this.record({ origin: 'extracted', sessionId, candidate: r.candidate, decision: r.decision, memoryId: null });
    if (parsed.candidates.length === 0) {
      this.counters.extraction.emptyResponses++;
      this.log.info(
        { sessionId, outcome: parsed.outcome, found: parsed.found, dropped: parsed.dropped, repaired: parsed.repaired },
        `no memory candidates: ${describeOutcome(parsed.outcome)}`,
      );
      if (asksToRemember(userTurns)) await this.explainNothingStored(sessionId, nothingStoredText(usedModel, parsed.outcome, {}));
      return;
    }
    const sourceText = userTurns.map((t) => t.content).join('\n');
    const saved: MemoryRecord[] = [];
    const reasons: Record<string, number> = {};
    for (const extracted of parsed.candidates) {
      const sourceMessageId = bestSource(extracted.content, userTurns);
      // A fact belongs to whoever said it: the speaker's in a private chat, the group's in a group; never global.
      const candidate: MemoryCandidate = { ...extracted, scope: extracted.scope === 'project' ? 'project' : groupId !== null ? 'group' : 'person' };
      const { decision, memory } = await this.applyCandidate(candidate, {
        origin: 'extracted',
        sessionId,
        projectId,
        personId: speaker?.personId ?? null,
        groupId,
        sourceText,
        injected: known,
        sourceMessageId,
      });
      reasons[decision.reason] = (reasons[decision.reason] ?? 0) + 1;
      if (memory) saved.push(memory);
    }
    this.log.info(
      { sessionId, model: usedModel, candidates: parsed.found, saved: saved.length, reasons, ms: Math.round(performance.now() - t0) },
      'memory extraction finished',
    );
    await this.announce(sessionId, saved);
    if (saved.length === 0 && asksToRemember(userTurns)) await this.explainNothingStored(sessionId, nothingStoredText(usedModel, parsed.outcome, reasons));
  }

  /** The user asked to remember and nothing was stored: say why in the conversation (unless memory is off or silent). */
  private async explainNothingStored(sessionId: string, text: string): Promise<void> {
    if (!this.options.explain) return;
    const settings = await this.settings();
    if (!settings.enabled || settings.silent) return;
    try {
      await this.options.explain(sessionId, text);
    } catch (err) {
      this.log.warn({ sessionId, err: errorText(err) }, 'could not explain why nothing was remembered');
    }
  }

  private async announce(sessionId: string, saved: MemoryRecord[]): Promise<void> {
    if (saved.length === 0 || !this.options.notify) return;
    const settings = await this.settings();
    if (!settings.enabled || settings.silent) return;
    const text = 'Remembered: ' + saved.map((m) => (m.content.length > 120 ? m.content.slice(0, 117) + '…' : m.content)).join('; ');
    try {
      await this.options.notify(sessionId, text, saved.map((m) => m.id));
    } catch (err) {
      this.log.warn({ sessionId, err: errorText(err) }, 'could not announce saved memories');
    }
  }

  // ------------------------------------------------------------------ the gate, applied

  /** Runs a candidate through the gate and applies its decision, atomically (lookups and write in one transaction). */
  async applyCandidate(
    candidate: MemoryCandidate,
    ctx: {
      origin: MemoryOrigin;
      sessionId: string | null;
      projectId: string | null;
      /** The person a `person` candidate belongs to. */
      personId?: string | null;
      /** The group chat a `group` candidate belongs to. */
      groupId?: string | null;
      sourceText: string | null;
      injected: readonly MemoryLike[];
      sourceMessageId: string | null;
    },
  ): Promise<{ decision: GateDecision; memory: MemoryRecord | null }> {
    const pre = precheckCandidate(candidate, this.gateConfig);
    if (pre) {
      this.record({ origin: ctx.origin, sessionId: ctx.sessionId, candidate, decision: pre, memoryId: null });
      return { decision: pre, memory: null };
    }
    const projectId = ctx.projectId;
    const personId = ctx.personId ?? null;
    const groupId = ctx.groupId ?? null;
    // What the candidate is compared with: its own scope and owner, plus global memories (a fact
    // everyone shares is not stored again for one of them); a project fact also with what the
    // speaker (or the group) already has, so a personal fact is not copied into each project.
    const readable: MemoryScopeFilter =
      candidate.scope === 'project'
        ? { scope: 'turn', projectId, personId, groupId }
        : {
            scope: 'turn',
            projectId: null,
            personId: candidate.scope === 'person' ? personId : null,
            groupId: candidate.scope === 'group' ? groupId : null,
          };
    // Where it may merge or supersede: its own scope and owner only (an owner-less candidate is refused by the gate).
    const hasOwner = (candidate.scope !== 'project' || projectId) && (candidate.scope !== 'person' || personId) && (candidate.scope !== 'group' || groupId);
    const writable: MemoryScopeFilter = hasOwner ? ownerFilter(normaliseOwner({ scope: candidate.scope, projectId, personId, groupId })) : { scope: 'global' };
    const content = normaliseWhitespace(candidate.content);
    const outcome = await this.store.transaction(async (s) => {
      // One after another: a transaction is one connection, and PostgreSQL's client runs one query at a time on it.
      const exact = await s.findByHash(contentHash(content), readable);
      const hits = await s.search(content, readable, GATE_NEIGHBOURS);
      const target = candidate.targetId ? await s.get(candidate.targetId, readable) : null;
      const decision = evaluateCandidate({
        candidate,
        projectId,
        personId,
        groupId,
        sourceText: ctx.sourceText,
        injected: ctx.injected.filter((m) => inScope(m, readable)),
        exact,
        neighbours: hits.map((h) => h.record),
        target,
        config: this.gateConfig,
      });
      const input: NewMemoryInput = {
        content: decision.content,
        scope: candidate.scope,
        projectId: candidate.scope === 'project' ? projectId : null,
        personId: candidate.scope === 'person' ? personId : null,
        groupId: candidate.scope === 'group' ? groupId : null,
        category: candidate.category,
        tags: candidate.tags,
        confidence: candidate.confidence,
        source: ctx.origin,
        sourceSessionId: ctx.sessionId,
        sourceMessageId: ctx.sourceMessageId,
      };
      const meta = { reason: decision.reason, sessionId: ctx.sessionId };
      let memory: MemoryRecord | null = null;
      switch (decision.action) {
        case 'accepted':
          memory = await s.create(input, meta);
          break;
        case 'merged': {
          const existing = await s.get(decision.targetId!, writable);
          memory = existing
            ? await s.update(
                existing.id,
                {
                  content: decision.content,
                  confidence: Math.max(existing.confidence, candidate.confidence),
                  tags: [...new Set([...existing.tags, ...candidate.tags])].slice(0, 20),
                  category: candidate.category ?? existing.category,
                  sourceSessionId: ctx.sessionId ?? existing.sourceSessionId,
                  sourceMessageId: ctx.sourceMessageId ?? existing.sourceMessageId,
                },
                writable,
                'merged',
                meta,
              )
            : null;
          break;
        }
        case 'superseded':
          memory = await s.supersede(decision.targetId!, input, writable, meta);
          break;
        case 'rejected':
          break;
      }
      return { decision, memory };
    });
    this.record({ origin: ctx.origin, sessionId: ctx.sessionId, candidate, decision: outcome.decision, memoryId: outcome.memory?.id ?? null });
    if (outcome.memory) this.reindex();
    return outcome;
  }

  private record(event: DecisionEvent): void {
    const { decision } = event;
    this.counters.decisions[decision.action] = (this.counters.decisions[decision.action] ?? 0) + 1;
    this.counters.reasons[decision.reason] = (this.counters.reasons[decision.reason] ?? 0) + 1;
    // Content never reaches the log: a rejected candidate may hold a secret.
    this.log.info(
      {
        sessionId: event.sessionId,
        origin: event.origin,
        action: decision.action,
        reason: decision.reason,
        ...(decision.detail ? { detail: decision.detail } : {}),
        scope: event.candidate.scope,
        memoryId: event.memoryId,
        targetId: decision.targetId,
      },
      `memory ${decision.action}: ${decision.reason}`,
    );
    this.options.onDecision?.(event);
  }

  // ------------------------------------------------------------------ management

  /** Lists memories by scope and owner (project, person, group) and relevance to `q`. */
  async list(query: ListMemoriesQuery): Promise<Memory[]> {
    const filter = filterFor(query);
    const rows = await this.store.list(filter, { q: query.q, limit: query.limit ?? 100 });
    const edits = rows.length ? await this.store.lastEdits(rows.map((r) => r.record.id)) : new Map();
    return rows.map((r) => withEdit(toMemory(r.record, r.score), edits.get(r.record.id)));
  }

  /**
   * A memory the user states (API): the same gate (secrets, duplicates), refused with MEMORY_REJECTED.
   * Without an actor the owner acts (the API token is the owner's); a member actor may only add
   * their own memories, never a global one nor another person's.
   */
  async createFromUser(body: CreateMemoryRequest, actor?: MemoryActor | null): Promise<MemoryDecision> {
    const scope = body.scope ?? 'global';
    const owner = ownerOf(scope, {
      projectId: body.projectId,
      // A member stating a personal fact states their own.
      personId: body.personId ?? (scope === 'person' && actor && actor.role !== 'owner' ? actor.personId : undefined),
      groupId: body.groupId,
    });
    assertActorMayWrite(actor, owner);
    const candidate: MemoryCandidate = {
      content: body.content,
      scope,
      confidence: 1,
      category: body.category ?? null,
      tags: body.tags ?? [],
      targetId: null,
    };
    const { decision, memory } = await this.applyCandidate(candidate, {
      origin: 'user',
      sessionId: null,
      projectId: owner.projectId,
      personId: owner.personId,
      groupId: owner.groupId,
      sourceText: null,
      injected: [],
      sourceMessageId: null,
    });
    if (decision.action === 'rejected') throw rejection(decision);
    return { action: decision.action, reason: decision.reason, memory: memory ? toMemory(memory) : null };
  }

  /**
   * Edits a memory (content through the secret, length and duplicate checks) or moves it to another
   * scope (`scope` with the id it needs; e.g. promote a person memory to global). History keeps the
   * old version. A member actor may only edit and move their own memories, never to global.
   */
  async update(id: string, body: UpdateMemoryRequest, actor?: MemoryActor | null): Promise<Memory> {
    const current = await this.store.get(id, { scope: 'all' });
    if (!current) throw notFound(id);
    const moving = body.scope !== undefined || body.projectId !== undefined || body.personId !== undefined || body.groupId !== undefined;
    const scope = body.scope ?? current.scope;
    const same = scope === current.scope;
    const requested = moving
      ? ownerOf(scope, {
          projectId: body.projectId ?? (same ? (current.projectId ?? undefined) : undefined),
          personId: body.personId ?? (same ? (current.personId ?? undefined) : undefined),
          groupId: body.groupId ?? (same ? (current.groupId ?? undefined) : undefined),
        })
      : null;
    // Naming the owner it already has is not a move.
    const target = requested && !sameOwner(requested, current) ? requested : null;
    assertActorMayWrite(actor, current);
    if (target) assertActorMayWrite(actor, target);
    if (body.content !== undefined || body.tags !== undefined || body.category !== undefined) {
      const candidate: MemoryCandidate = {
        content: body.content ?? current.content,
        scope,
        confidence: 1,
        category: body.category !== undefined ? body.category : current.category,
        tags: body.tags ?? current.tags,
        targetId: null,
      };
      const pre = precheckCandidate(candidate, { ...this.gateConfig, minConfidence: 0 });
      if (pre && pre.reason !== 'JUNK') throw rejection(pre);
    }
    const own = ownerFilter(current);
    const updated = await this.store.transaction(async (s) => {
      if (body.content !== undefined || target) {
        // No two memories of one owner say the same thing: checked where the memory ends up.
        const content = body.content ?? current.content;
        const clash = (await s.findByHash(contentHash(content), ownerFilter(target ?? current))).find((m) => m.id !== id);
        if (clash) throw rejection({ action: 'rejected', reason: 'DUPLICATE', content, targetId: clash.id });
      }
      return s.update(id, { content: body.content, category: body.category, tags: body.tags, ...(target ? { owner: target } : {}) }, own, 'updated', {
        reason: target ? 'USER_MOVE' : 'USER_EDIT',
        // Without an actor the owner acts (the API token is the owner's).
        actorId: actor?.personId ?? OWNER_PERSON_ID,
      });
    });
    if (!updated) throw notFound(id);
    this.reindex();
    this.log.info(
      { memoryId: id, contentChanged: body.content !== undefined, ...(target ? { from: current.scope, to: target.scope } : {}) },
      target ? 'memory moved' : 'memory edited',
    );
    return withEdit(toMemory(updated), (await this.store.lastEdits([id])).get(id));
  }

  /**
   * Moves every memory of one person to another, in one transaction (an account linked to another
   * person takes its memories along); exact duplicates are merged. Returns how many memories moved.
   */
  async reassignPerson(fromPersonId: string, toPersonId: string): Promise<number> {
    const moved = await this.store.reassignPerson(fromPersonId, toPersonId, { reason: 'PERSON_LINKED' });
    if (moved > 0) {
      this.log.info({ fromPersonId, toPersonId, memories: moved }, 'person memories moved to another person');
      this.reindex();
    }
    return moved;
  }

  /** Hard delete: the memory, its older versions, its full-text entry and its history content. */
  async remove(id: string, filter: MemoryScopeFilter = { scope: 'all' }): Promise<void> {
    const removed = await this.store.hardDelete(id, filter, { reason: 'USER_DELETE' });
    if (removed === 0) throw notFound(id);
    this.log.info({ memoryId: id, rows: removed }, 'memory deleted');
  }

  /** Memories saved by a tool call in a turn: grounded in that turn's user text when it is known. */
  turnSourceText(turnId: string): string | null {
    return this.turns.get(turnId)?.userText ?? null;
  }

  /** The speaker and group a turn was prepared for (tools fall back to it when their context lacks them). */
  turnAudience(turnId: string): Pick<MemoryAudience, 'speaker' | 'groupId'> | null {
    const state = this.turns.get(turnId);
    return state ? { speaker: state.speaker, groupId: state.groupId } : null;
  }

  /** Whether the memory tools may act in a turn: memory is on, and on for the turn's agent. */
  async toolsAllowed(turnId: string): Promise<boolean> {
    return (await this.settings()).enabled && this.turns.get(turnId)?.allowed !== false;
  }

  metrics(): MemoryMetrics {
    return {
      queue: this.queue.metrics(),
      extraction: { ...this.counters.extraction },
      decisions: { ...this.counters.decisions },
      reasons: { ...this.counters.reasons },
      retrieval: { ...this.counters.retrieval },
    };
  }
}

const OWNER_FIELD = { project: 'projectId', person: 'personId', group: 'groupId' } as const;
type OwnerField = (typeof OWNER_FIELD)[keyof typeof OWNER_FIELD];
const OWNER_FIELDS: OwnerField[] = ['projectId', 'personId', 'groupId'];
const SCOPE_OF_FIELD: Record<OwnerField, Exclude<MemoryScope, 'global'>> = { projectId: 'project', personId: 'person', groupId: 'group' };

function invalid(field: string, message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.VALIDATION_FAILED, `${field}: ${message}`, { field });
}

/**
 * The store filter for a list query. `projectId`, `personId` or `groupId` alone means that
 * project's, person's or group's memories; with `scope` it must be the id that scope has; a scope
 * without its id lists every project's (person's, group's) memories; nothing lists everything.
 */
export function filterFor(query: Pick<ListMemoriesQuery, 'scope' | 'projectId' | 'personId' | 'groupId'>): MemoryScopeFilter {
  const given = OWNER_FIELDS.filter((f) => query[f] !== undefined);
  if (given.length > 1) throw invalid(given[1], `give one of ${given.join(' and ')} (a memory has one owner)`);
  const scope = query.scope ?? (given.length === 1 ? SCOPE_OF_FIELD[given[0]] : undefined);
  if (scope === undefined) return { scope: 'all' };
  if (given.length === 1 && (scope === 'global' || OWNER_FIELD[scope] !== given[0])) throw invalid(given[0], `only applies to scope "${SCOPE_OF_FIELD[given[0]]}"`);
  switch (scope) {
    case 'global':
      return { scope: 'global' };
    case 'project':
      return { scope: 'project', projectId: query.projectId ?? null };
    case 'person':
      return { scope: 'person', personId: query.personId ?? null };
    case 'group':
      return { scope: 'group', groupId: query.groupId ?? null };
  }
}

/** A group id names a channel and a group on it: `telegram:-1001234`. */
const GROUP_ID = /^[a-z][a-z0-9_-]*:\S+$/;

/** The owner a scope and its ids describe; VALIDATION_FAILED when an id is missing or belongs to another scope. */
export function ownerOf(scope: MemoryScope, ids: { projectId?: string; personId?: string; groupId?: string }): MemoryOwner {
  const needed = scope === 'global' ? null : OWNER_FIELD[scope];
  for (const field of OWNER_FIELDS) {
    if (field !== needed && ids[field] !== undefined) {
      throw invalid(field, needed ? `a ${scope} memory has no ${field}` : `only a ${SCOPE_OF_FIELD[field]} memory has a ${field}`);
    }
  }
  if (needed && !ids[needed]) throw invalid(needed, `required when scope is "${scope}"`);
  if (scope === 'group' && !GROUP_ID.test(ids.groupId!)) throw invalid('groupId', 'a group id is "channel:group", e.g. "telegram:-1001234"');
  return normaliseOwner({ scope, ...ids });
}

/** A member acting on memories: only their own; never a global memory, never another person's. */
function assertActorMayWrite(actor: MemoryActor | null | undefined, owner: Pick<MemoryOwner, 'scope' | 'personId'>): void {
  if (!actor || actor.role === 'owner') return;
  if (owner.scope === 'global') throw new SwitchboardError(ErrorCode.FORBIDDEN, 'Only the owner creates or changes global memories (shared with everyone).', { scope: 'global' });
  if (owner.scope === 'person' && owner.personId !== actor.personId) {
    throw new SwitchboardError(ErrorCode.FORBIDDEN, "A member can only manage their own memories, never another person's.", { scope: 'person' });
  }
}

function sameOwner(a: MemoryOwner, b: MemoryOwner): boolean {
  return a.scope === b.scope && a.projectId === b.projectId && a.personId === b.personId && a.groupId === b.groupId;
}

/** A turn context's audience (absent fields: unknown speaker, private conversation). */
function audienceOf(ctx: MemoryTurnContext): MemoryAudience {
  return { speaker: ctx.speaker ?? null, groupId: ctx.groupId ?? null, projectId: ctx.projectId };
}

function rejection(decision: GateDecision): SwitchboardError {
  return new SwitchboardError(ErrorCode.MEMORY_REJECTED, REJECTION_MESSAGES[decision.reason] ?? `The memory was refused (${decision.reason}).`, {
    reason: decision.reason,
    ...(decision.detail ? { kind: decision.detail } : {}),
    ...(decision.targetId ? { existingId: decision.targetId } : {}),
  });
}

function notFound(id: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.MEMORY_NOT_FOUND, `Memory ${id} does not exist.`, { id });
}

function describeOutcome(outcome: ParsedExtraction['outcome']): string {
  switch (outcome) {
    case 'empty_response':
      return 'empty response';
    case 'no_json_array':
      return 'no JSON array';
    case 'empty_array':
      return 'the model found nothing worth remembering';
    case 'all_filtered':
      return 'all filtered';
    case 'ok':
      return 'ok';
  }
}

/** The user message a memory most likely came from. */
function bestSource(content: string, userTurns: ReadonlyArray<{ content: string; messageId?: string }>): string | null {
  let best: string | null = null;
  let score = -1;
  for (const t of userTurns) {
    const g = grounding(content, t.content);
    if (g >= score) {
      score = g;
      best = t.messageId ?? best;
    }
  }
  return best;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A memory view with its latest user edit (who and when), when it has one. */
function withEdit(memory: Memory, edit: { at: string; by: string | null } | undefined): Memory {
  return edit ? { ...memory, editedAt: edit.at, editedBy: edit.by } : { ...memory, editedAt: null, editedBy: null };
}

/** The user asked the assistant to keep something ("remember …", "don't forget …", "note that …"), in English. */
export function asksToRemember(userTurns: ReadonlyArray<{ content: string }>): boolean {
  return userTurns.some((t) => /\b(remember|don'?t forget|do not forget|note that|keep in mind)\b/i.test(t.content));
}

/** Why an explicit request stored nothing, in the words a conversation shows. */
export function nothingStoredText(modelConfigId: string | null, outcome: ParsedExtraction['outcome'], reasons: Record<string, number>): string {
  if (modelConfigId === OFFLINE_MODEL.id) {
    return 'Nothing was remembered: the offline demo model cannot pick facts out of a conversation. Add a real provider (Settings says how), or add the memory on the Memory page.';
  }
  const refused = Object.keys(reasons);
  if (refused.length) {
    const words = refused.map((r) => (r === 'DUPLICATE' || r === 'NEAR_DUPLICATE' || r === 'ALREADY_KNOWN' ? 'already remembered' : r === 'SECRET' ? 'it looks like a secret' : r.toLowerCase().replace(/_/g, ' ')));
    return `Nothing new was remembered: ${[...new Set(words)].join(', ')}.`;
  }
  return `Nothing was remembered: ${outcome === 'empty_array' ? 'the memory model found nothing lasting to keep' : `the memory model's answer could not be read (${describeOutcome(outcome)})`}.`;
}

