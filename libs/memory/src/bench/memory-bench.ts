/**
 * The memory benchmark: runs the real pipeline (hooks → debounce queue → extraction prompt →
 * scripted model → parser → gate → store → retrieval) over the labelled fixtures, then measures
 * retrieval over a large synthetic store, on SQLite or on PostgreSQL. Everything but the model
 * is the production code.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { memoryEntities, memoryMigrations } from '../db/memory-schema';
import { redactSecrets } from '../secrets/detect-secrets';
import { MemorySettingsStore } from '../store/memory-settings.store';
import { MemoryStore, type MemoryRecord } from '../store/memory.store';
import { createPostgresDataSource, createTransactionRunner, redactDatabaseUrl } from '@switchboard/persistence';
import { MemoryService, readableFor, type DecisionEvent, type MemoryAudience, type MemoryModelClient } from '../service/memory.service';
import type { MemoryLogger } from '../queue/debounce-queue';
import { contentHash } from '../text/normalise-text';
import { textOverlap } from '../text/similarity';
import { FIXTURE_CONVERSATIONS, FIXTURE_QUERIES, type FixtureConversation } from './memory-fixtures';
import { syntheticMemories, syntheticQueries } from './synthetic-corpus';
import { generateEvalSet, type EvalSet } from './eval/generate-conversations';
import { formatRetrievalEval, retrievalEvalMeetsTargets, runRetrievalEval, type RetrievalEvalResult } from './eval/retrieval-eval';
import { hashedEmbedding } from '@switchboard/protocol';
import type { MemoryEmbeddingModel } from '../embeddings/memory-embeddings';

/** Every fixture conversation is the owner's, in a private chat (other people's memories are distractors). */
const OWNER = { personId: 'owner', role: 'owner' as const };
const ownerIn = (projectId: string | null): MemoryAudience => ({ speaker: OWNER, groupId: null, projectId });

export interface MemoryBenchOptions {
  /** Memories in the store when retrieval is measured (fixture memories included). */
  corpusSize?: number;
  /** Timed retrieval calls (after a warm-up). */
  latencyQueries?: number;
  /**
   * A PostgreSQL server to run on instead of a temporary SQLite file: the URL of a role that may
   * create databases. The bench creates a fresh database there and drops it afterwards.
   */
  postgresUrl?: string;
  /** The retrieval evaluation set (default: the whole generated set). */
  evalSet?: EvalSet;
  /** Also measure lexical + semantic retrieval with the fake embedding model (default true). */
  semantic?: boolean;
  progress?: (line: string) => void;
}

export interface MemoryBenchResult {
  database: 'sqlite' | 'postgres';
  conversations: number;
  candidates: number;
  storedMemories: number;
  extractionPrecision: number;
  extractionRecall: number;
  gateAccuracy: number;
  gateMistakes: Array<{ conversation: string; content: string; expected: string; actual: string }>;
  extractionMisses: Array<{ conversation: string; gold: string }>;
  extractionFalsePositives: Array<{ conversation: string; content: string }>;
  duplicatesOnReplay: number;
  newMemoriesOnReplay: number;
  crossScopeLeaks: number;
  secretsStored: number;
  recallAt5: number;
  recallAt10: number;
  retrievalMisses: Array<{ query: string; expected: string; got: string[] }>;
  latencyP50Ms: number;
  latencyP95Ms: number;
  insertSeconds: number;
  /** Recall on the generated conversations, ours and both FTS5 baselines, in its own database of the same kind. */
  retrievalEval: RetrievalEvalResult;
  /** Lexical + semantic retrieval at the same store size with the fake embedding model (null when not measured). */
  semantic: { model: string; embedSeconds: number; latencyP50Ms: number; latencyP95Ms: number } | null;
}

export const TARGETS = {
  extractionPrecision: 0.9,
  extractionRecall: 0.8,
  gateAccuracy: 0.95,
  duplicatesOnReplay: 0,
  crossScopeLeaks: 0,
  secretsStored: 0,
  recallAt5: 0.85,
  latencyP95Ms: 5,
};

/** Which of the targets a result misses (empty when all are met). */
export function missedTargets(r: MemoryBenchResult, opts: { latency?: boolean } = {}): string[] {
  const missed: string[] = [];
  if (r.extractionPrecision < TARGETS.extractionPrecision) missed.push('extraction precision');
  if (r.extractionRecall < TARGETS.extractionRecall) missed.push('extraction recall');
  if (r.gateAccuracy < TARGETS.gateAccuracy) missed.push('gate decision accuracy');
  if (r.duplicatesOnReplay > TARGETS.duplicatesOnReplay) missed.push('duplicates on replay');
  if (r.crossScopeLeaks > TARGETS.crossScopeLeaks) missed.push('cross-scope leaks');
  if (r.secretsStored > TARGETS.secretsStored) missed.push('secrets stored');
  if (r.recallAt5 < TARGETS.recallAt5) missed.push('retrieval recall@5');
  if (opts.latency !== false && r.latencyP95Ms > TARGETS.latencyP95Ms) missed.push('retrieval p95');
  if (!retrievalEvalMeetsTargets(r.retrievalEval)) missed.push('recall@5 over stemmed bm25 on the conversations');
  return missed;
}

// ---------------------------------------------------------------- the scripted model

/** Answers an extraction prompt with the fixture's scripted response, in the fixture's format. */
export function scriptedExtractionModel(conversations: readonly FixtureConversation[]): MemoryModelClient & { calls: number } {
  const model = {
    calls: 0,
    async generate(req: Parameters<MemoryModelClient['generate']>[0]) {
      model.calls++;
      const prompt = req.messages.at(-1)!.content;
      // Identified by its first user turn, as the extractor sees it (secrets redacted).
      const conv = conversations.find((c) => prompt.includes(`[user] ${redactSecrets(c.turns[0][0])}`));
      const text = conv ? render(conv, knownIds(prompt)) : `Echo: ${prompt.slice(0, 200)}`;
      return { text, usage: { inputTokens: Math.ceil(prompt.length / 4), outputTokens: Math.ceil(text.length / 4), cachedTokens: 0 }, costUsd: 0 };
    },
  };
  return model;
}

/** The known memories listed in the prompt, content → id (the model can only name what it was shown). */
function knownIds(prompt: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of prompt.matchAll(/^- \[([^\]]+)\] \((?:global|project|person|group)\) (.*)$/gm)) out.set(m[2], m[1]);
  return out;
}

function render(conv: FixtureConversation, known: Map<string, string>): string {
  const items = conv.candidates.map((c) => ({
    content: c.content,
    scope: c.scope ?? 'global',
    confidence: c.confidence ?? 0.9,
    category: null,
    tags: [],
    target: c.target ? (known.get(c.target) ?? null) : null,
  }));
  const json = JSON.stringify({ memories: items });
  switch (conv.format) {
    case 'json':
      return json;
    case 'fenced':
      return '```json\n' + JSON.stringify({ memories: items }, null, 2) + '\n```';
    case 'prose':
      return `Here is what I found worth remembering:\n${json}\nLet me know if you need anything else.`;
    case 'bare-array':
      return JSON.stringify(items);
    case 'trailing-comma':
      return json.replace(/\}\]\}$/, '},]}');
    case 'truncated': {
      const last = items.at(-1)!.content;
      return json.slice(0, json.lastIndexOf(last) + Math.floor(last.length / 2));
    }
    case 'no-json':
      return `Echo: ${conv.turns[0][0]}`;
  }
}

/**
 * The fake embedding model in process: the vectors the fake LLM serves on `/v1/embeddings`
 * (hashedEmbedding), without the HTTP round trip. Not a language model: see hashed-embedding.ts.
 */
export function fakeEmbeddingModel(): MemoryEmbeddingModel {
  return { modelKey: 'fake/hashed-embedding', embed: (texts) => Promise.resolve(texts.map((t) => hashedEmbedding(t))) };
}

// ---------------------------------------------------------------- helpers

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The same fact: equal normalised content, or nearly all the same words. */
function sameFact(a: string, b: string): boolean {
  if (contentHash(a) === contentHash(b)) return true;
  const ov = textOverlap(a, b);
  return ov.jaccard >= 0.8;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------- the run

/** A throwaway database for one run: a SQLite file in a temp dir, or a fresh database on a PostgreSQL server. */
export async function openBenchDatabase(postgresUrl: string | undefined): Promise<{ ds: DataSource; dispose(): Promise<void> }> {
  if (postgresUrl) {
    const name = `switchboard_memory_bench_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const ds = createPostgresDataSource({ url: url.toString(), entities: memoryEntities, migrations: memoryMigrations, poolSize: 4 });
    return {
      ds,
      async dispose() {
        if (ds.isInitialized) await ds.destroy();
        await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-memory-bench-'));
  const ds = new DataSource({
    type: 'better-sqlite3',
    database: join(dir, 'memory.sqlite'),
    entities: memoryEntities,
    migrations: memoryMigrations,
    synchronize: false,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    },
  });
  return {
    ds,
    async dispose() {
      if (ds.isInitialized) await ds.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The retrieval evaluation in a throwaway database of its own (its turns are not the fixtures' or the 100k store's). */
async function evaluateRetrieval(postgresUrl: string | undefined, set: EvalSet, semantic: boolean): Promise<RetrievalEvalResult> {
  const { ds, dispose } = await openBenchDatabase(postgresUrl);
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    return await runRetrievalEval(ds, set, semantic ? { embeddings: fakeEmbeddingModel() } : {});
  } finally {
    await dispose();
  }
}

/** Runs the whole benchmark in a throwaway database (SQLite, or PostgreSQL with `postgresUrl`) and returns the figures. */
export async function runMemoryBench(options: MemoryBenchOptions = {}): Promise<MemoryBenchResult> {
  const corpusSize = options.corpusSize ?? 100_000;
  const latencyQueries = options.latencyQueries ?? 500;
  const progress = options.progress ?? (() => undefined);
  if (options.postgresUrl) progress(`database: PostgreSQL at ${redactDatabaseUrl(options.postgresUrl)}`);
  const semantic = options.semantic ?? true;
  const retrievalEval = await evaluateRetrieval(options.postgresUrl, options.evalSet ?? generateEvalSet(), semantic);
  progress(`retrieval evaluation: ${retrievalEval.questions} questions over ${retrievalEval.turns} turns`);
  const { ds, dispose } = await openBenchDatabase(options.postgresUrl);
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const runner = createTransactionRunner(ds);
    const store = MemoryStore.create(ds, runner);
    const logLines: string[] = [];
    const collect = (obj: object, msg?: string) => void logLines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
    const logger: MemoryLogger = { debug: collect, info: collect, warn: collect, error: collect };
    let current = '';
    const decisions: Array<DecisionEvent & { conversation: string }> = [];
    const model = scriptedExtractionModel(FIXTURE_CONVERSATIONS);
    const service = new MemoryService({
      store,
      settings: new MemorySettingsStore(ds, runner),
      model,
      extractionModelId: () => 'scripted',
      logger,
      debounceMs: 60_000,
      onDecision: (e) => decisions.push({ ...e, conversation: current }),
    });

    // Phase 1: every conversation once, in order, through the hooks and the queue.
    let turnNo = 0;
    const play = async (conv: FixtureConversation, session: string) => {
      current = session;
      for (const [user, assistant] of conv.turns) {
        const ctx = { sessionId: session, turnId: `t${++turnNo}`, projectId: conv.project, speaker: OWNER, userText: user, userMessageId: `m${turnNo}` };
        await service.prepareTurn(ctx);
        await service.turnCompleted({ ...ctx, reply: { content: assistant } });
      }
      await service.flush(session);
    };
    const active = () => store.recent({ scope: 'all' }, 100_000);

    let goldTotal = 0;
    let goldFound = 0;
    let written = 0;
    let writtenTrue = 0;
    const extractionMisses: MemoryBenchResult['extractionMisses'] = [];
    const extractionFalsePositives: MemoryBenchResult['extractionFalsePositives'] = [];
    for (const conv of FIXTURE_CONVERSATIONS) {
      await play(conv, conv.id);
      const visible = (await store.recent(readableFor(ownerIn(conv.project)), 100_000)).map((m) => m.content);
      for (const gold of conv.gold) {
        goldTotal++;
        if (visible.some((v) => sameFact(v, gold))) goldFound++;
        else extractionMisses.push({ conversation: conv.id, gold });
      }
      for (const d of decisions.filter((x) => x.conversation === conv.id && x.memoryId)) {
        written++;
        if (conv.gold.some((gold) => sameFact(d.decision.content, gold))) writtenTrue++;
        else extractionFalsePositives.push({ conversation: conv.id, content: d.decision.content });
      }
    }

    // Gate decisions against the labels (candidates the model actually delivered).
    let judged = 0;
    let correct = 0;
    const gateMistakes: MemoryBenchResult['gateMistakes'] = [];
    for (const conv of FIXTURE_CONVERSATIONS) {
      for (const c of conv.candidates) {
        const d = decisions.find((x) => x.conversation === conv.id && x.candidate.content === c.content);
        if (!d) continue;
        judged++;
        const actual = `${d.decision.action}:${d.decision.reason}`;
        if (actual === c.expect) correct++;
        else gateMistakes.push({ conversation: conv.id, content: c.content.slice(0, 80), expected: c.expect, actual });
      }
    }
    progress(`phase 1: ${FIXTURE_CONVERSATIONS.length} conversations, ${judged} candidates judged, ${model.calls} extraction calls`);

    // Phase 2: replay everything in new sessions; nothing new may appear.
    const before = await active();
    const replayStart = decisions.length;
    for (const conv of FIXTURE_CONVERSATIONS) await play(conv, `replay-${conv.id}`);
    const replayed = decisions.slice(replayStart);
    const newMemoriesOnReplay = replayed.filter((d) => d.decision.action === 'accepted').length;
    const after = await active();
    let duplicatePairs = 0;
    for (let i = 0; i < after.length; i++) {
      for (let j = i + 1; j < after.length; j++) {
        const a = after[i];
        const b = after[j];
        if (a.scope === b.scope && a.projectId === b.projectId && a.personId === b.personId && a.groupId === b.groupId && sameFact(a.content, b.content)) duplicatePairs++;
      }
    }
    const duplicatesOnReplay = Math.max(0, after.length - before.length) + duplicatePairs;
    progress(`phase 2: replay made ${newMemoriesOnReplay} new memories, ${duplicatePairs} duplicate pairs`);

    // Secrets: not in any memory or history row, and not in any log line.
    const planted = FIXTURE_CONVERSATIONS.flatMap((c) => c.secrets ?? []);
    const rows: Array<{ content: string | null }> = await ds.query(`SELECT content FROM memories UNION ALL SELECT content FROM memory_history`);
    const stored = rows.map((r) => r.content ?? '').join('\n');
    const logs = logLines.join('\n');
    const secretsStored = planted.filter((s) => stored.includes(s) || logs.includes(s)).length;

    // Phase 3: a large store, then retrieval quality, leaks and latency.
    const fixtureCount = after.length;
    const t0 = performance.now();
    const distractors = syntheticMemories(Math.max(0, corpusSize - fixtureCount));
    for (let i = 0; i < distractors.length; i += 10_000) await store.insertMany(distractors.slice(i, i + 10_000));
    const insertSeconds = (performance.now() - t0) / 1000;
    // The tables as autovacuum leaves them within a minute of a bulk insert (vacuumed, planner
    // statistics read): the bench measures a store in its steady state, not autovacuum's work
    // on the import competing with the timed queries.
    if (options.postgresUrl) await ds.query('VACUUM (ANALYZE) "memories", "memory_history"');
    const storedMemories = await store.count({ scope: 'all' });
    progress(`phase 3: ${storedMemories} memories stored in ${insertSeconds.toFixed(1)} s`);

    let leaks = 0;
    const checkScope = (records: readonly MemoryRecord[], project: string | null) => {
      for (const m of records) {
        if (m.scope === 'project' && m.projectId !== project) leaks++;
        // Another person's memories and group chats' never reach the owner's private turns.
        if ((m.scope === 'person' && m.personId !== OWNER.personId) || m.scope === 'group') leaks++;
      }
    };
    let hits = 0;
    let hitsAt10 = 0;
    const retrievalMisses: MemoryBenchResult['retrievalMisses'] = [];
    for (const q of FIXTURE_QUERIES) {
      const got = await service.retrieve(q.text, ownerIn(q.project));
      checkScope(got, q.project);
      checkScope((await store.search(q.text, readableFor(ownerIn(q.project)), 50)).map((h) => h.record), q.project);
      const top5 = got.slice(0, 5).map((m) => m.content);
      if (got.slice(0, 10).some((m) => sameFact(m.content, q.expect))) hitsAt10++;
      if (top5.some((c) => sameFact(c, q.expect))) hits++;
      else retrievalMisses.push({ query: q.text, expected: q.expect, got: top5 });
    }

    const queries = [...FIXTURE_QUERIES.map((q) => ({ project: q.project, text: q.text })), ...syntheticQueries(latencyQueries + 50)];
    for (const q of queries.slice(0, 50)) await service.prepareTurn({ sessionId: 'warm', turnId: 'warm', projectId: q.project, speaker: OWNER, userText: q.text, userMessageId: 'w' });
    const times: number[] = [];
    for (const [i, q] of queries.slice(0, latencyQueries).entries()) {
      const start = performance.now();
      await service.prepareTurn({ sessionId: 'lat', turnId: `lat-${i}`, projectId: q.project, speaker: OWNER, userText: q.text, userMessageId: 'l' });
      times.push(performance.now() - start);
      checkScope(await service.retrieve(q.text, ownerIn(q.project)), q.project);
    }
    times.sort((a, b) => a - b);
    leaks += service.metrics().retrieval.scopeViolations;
    await service.close();

    // Phase 4: the same store with the fake embedding model: every memory embedded by the
    // background indexer, then the same turns timed again (the question embedded in process).
    let semanticFigures: MemoryBenchResult['semantic'] = null;
    if (semantic) {
      const model = fakeEmbeddingModel();
      const withVectors = new MemoryService({ store, settings: new MemorySettingsStore(ds, runner), embeddings: { model, batchSize: 500 } });
      const e0 = performance.now();
      await withVectors.start();
      await withVectors.embeddingsIdle();
      const embedSeconds = (performance.now() - e0) / 1000;
      if (options.postgresUrl) await ds.query('VACUUM (ANALYZE) "memory_embeddings"');
      progress(`phase 4: ${(await store.embeddingCoverage(model.modelKey)).embedded} memories embedded in ${embedSeconds.toFixed(1)} s`);
      for (const q of queries.slice(0, 50)) await withVectors.prepareTurn({ sessionId: 'warm', turnId: 'warm', projectId: q.project, speaker: OWNER, userText: q.text, userMessageId: 'w' });
      const semanticTimes: number[] = [];
      for (const [i, q] of queries.slice(0, latencyQueries).entries()) {
        // A new text each time: the question's vector is never served from the model's cache.
        const text = `${q.text} (${i})`;
        const start = performance.now();
        await withVectors.prepareTurn({ sessionId: 'sem', turnId: `sem-${i}`, projectId: q.project, speaker: OWNER, userText: text, userMessageId: 's' });
        semanticTimes.push(performance.now() - start);
        checkScope(await withVectors.retrieve(text, ownerIn(q.project)), q.project);
      }
      semanticTimes.sort((a, b) => a - b);
      leaks += withVectors.metrics().retrieval.scopeViolations;
      await withVectors.close();
      semanticFigures = {
        model: model.modelKey,
        embedSeconds: round(embedSeconds, 1),
        latencyP50Ms: round(percentile(semanticTimes, 50), 2),
        latencyP95Ms: round(percentile(semanticTimes, 95), 2),
      };
    }

    return {
      database: options.postgresUrl ? 'postgres' : 'sqlite',
      conversations: FIXTURE_CONVERSATIONS.length,
      candidates: judged,
      storedMemories,
      extractionPrecision: round(written ? writtenTrue / written : 1),
      extractionRecall: round(goldTotal ? goldFound / goldTotal : 1),
      gateAccuracy: round(judged ? correct / judged : 1),
      gateMistakes,
      extractionMisses,
      extractionFalsePositives,
      duplicatesOnReplay,
      newMemoriesOnReplay,
      crossScopeLeaks: leaks,
      secretsStored,
      recallAt5: round(hits / FIXTURE_QUERIES.length),
      recallAt10: round(hitsAt10 / FIXTURE_QUERIES.length),
      retrievalMisses,
      latencyP50Ms: round(percentile(times, 50), 2),
      latencyP95Ms: round(percentile(times, 95), 2),
      insertSeconds: round(insertSeconds, 1),
      retrievalEval,
      semantic: semanticFigures,
    };
  } finally {
    await dispose();
  }
}

/** The figures as a table, with the targets. */
export function formatBenchReport(r: MemoryBenchResult): string {
  const row = (name: string, value: string, target: string, ok: boolean) => `${name.padEnd(34)}${value.padEnd(12)}${target.padEnd(12)}${ok ? 'ok' : 'MISSED'}`;
  const lines = [
    `Memory bench on ${r.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}: ${r.conversations} conversations, ${r.candidates} candidates judged, ${r.storedMemories} memories stored (inserted in ${r.insertSeconds} s)`,
    '',
    `${'metric'.padEnd(34)}${'value'.padEnd(12)}${'target'.padEnd(12)}`,
    row('extraction precision', r.extractionPrecision.toFixed(3), '>= 0.90', r.extractionPrecision >= TARGETS.extractionPrecision),
    row('extraction recall', r.extractionRecall.toFixed(3), '>= 0.80', r.extractionRecall >= TARGETS.extractionRecall),
    row('gate decision accuracy', r.gateAccuracy.toFixed(3), '>= 0.95', r.gateAccuracy >= TARGETS.gateAccuracy),
    row('duplicates created on replay', String(r.duplicatesOnReplay), '0', r.duplicatesOnReplay === 0),
    row('cross-scope leaks', String(r.crossScopeLeaks), '0', r.crossScopeLeaks === 0),
    row('secrets stored', String(r.secretsStored), '0', r.secretsStored === 0),
    row('retrieval recall@5', r.recallAt5.toFixed(3), '>= 0.85', r.recallAt5 >= TARGETS.recallAt5),
    row('retrieval recall@10', r.recallAt10.toFixed(3), '', true),
    row(`retrieval p50 (${r.storedMemories} memories)`, `${r.latencyP50Ms} ms`, '', true),
    row(`retrieval p95 (${r.storedMemories} memories)`, `${r.latencyP95Ms} ms`, '<= 5 ms', r.latencyP95Ms <= TARGETS.latencyP95Ms),
    `  (per-turn retrieval as the engine calls it: search, recency, ranking, token budget, formatting; wall clock)`,
    ...(r.semantic
      ? [
          row(`+ semantic p50 (${r.storedMemories} memories)`, `${r.semantic.latencyP50Ms} ms`, '', true),
          row(`+ semantic p95 (${r.storedMemories} memories)`, `${r.semantic.latencyP95Ms} ms`, '', true),
          `  (the same turns, every memory embedded by ${r.semantic.model} in ${r.semantic.embedSeconds} s in the background: question embedded in process, signature candidates, exact cosine, fusion)`,
        ]
      : []),
    '',
    formatRetrievalEval(r.retrievalEval),
  ];
  const detail = (title: string, items: unknown[]) => {
    if (items.length === 0) return;
    lines.push('', `${title}:`);
    for (const item of items) lines.push(`  ${JSON.stringify(item)}`);
  };
  detail('gate decisions that differ from the labels', r.gateMistakes);
  detail('gold facts not remembered', r.extractionMisses);
  detail('memories written that are not gold facts', r.extractionFalsePositives);
  detail('retrieval misses (top 5)', r.retrievalMisses);
  return lines.join('\n');
}
