/**
 * Retrieval quality on the generated evaluation set: every turn stored as a memory of the
 * conversation's person (as extraction would store it: person scope, source session and message),
 * every question asked through the product's retrieval, and, over the same stored text, two plain
 * SQLite FTS5 baselines (bm25 over an OR query of the question's words; unicode61, then porter).
 */
import { DataSource } from 'typeorm';
import { createTransactionRunner } from '@switchboard/persistence';
import { MemorySettingsStore } from '../../store/memory-settings.store';
import { MemoryStore, memorySearchFor } from '../../store/memory.store';
import { MemoryService, type MemoryAudience } from '../../service/memory.service';
import type { MemoryEmbeddingModel } from '../../embeddings/memory-embeddings';
import type { EvalConversation, EvalLanguageGroup, EvalQuestion, EvalQuestionKind, EvalSet } from './generate-conversations';

/** Ours; ours without the synonym table (what the hand-written table adds, shown apart); the two FTS5 baselines. */
export type RetrievalSystem = 'ours' | 'ours-no-synonyms' | 'bm25' | 'bm25-porter';
export const RETRIEVAL_SYSTEMS: readonly RetrievalSystem[] = ['ours', 'ours-no-synonyms', 'bm25', 'bm25-porter'];

export interface RecallFigures {
  questions: number;
  recallAt5: number;
  recallAt10: number;
}

/** One system's figures: overall, per language group and per question kind. */
export interface SystemFigures {
  overall: RecallFigures;
  groups: Partial<Record<EvalLanguageGroup, RecallFigures>>;
  kinds: Partial<Record<EvalQuestionKind, RecallFigures>>;
}

export interface RetrievalEvalResult {
  conversations: number;
  turns: number;
  questions: number;
  /** Per system: overall, per language group and per question kind. */
  systems: Record<RetrievalSystem, SystemFigures>;
  /**
   * Ours with an embedding model as well (lexical + semantic, fused), when one was given; and the
   * same without the synonym table (what the embeddings add where no hand-written list helps).
   */
  semantic: (SystemFigures & { model: string; withoutSynonyms: RecallFigures }) | null;
  /** Memories our retrieval returned that belong to another person than the one asking. */
  leaks: number;
  /** Questions our retrieval missed at 5 (first few, to read). */
  misses: Array<{ question: string; expected: string[]; got: string[] }>;
}

interface Ranked {
  question: EvalQuestion;
  group: EvalLanguageGroup;
  /** Turn ids, best first (top 10). */
  got: string[];
}

/** Turns that a baseline indexes and we store: one memory per turn. */
interface StoredTurn {
  turnId: string;
  person: string;
  content: string;
}

/** The words of a question as unicode61 sees them, as an FTS5 OR query (each quoted: no syntax from the text). */
export function baselineOrQuery(text: string): string {
  const terms = [...new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean))];
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
}

/** Ranks questions with one of the plain FTS5 baselines over the stored text (in-memory SQLite). */
async function runBaseline(stored: readonly StoredTurn[], questions: readonly EvalQuestion[], persons: Map<string, string>, tokenize: string): Promise<Map<string, string[]>> {
  const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  await ds.initialize();
  try {
    await ds.query(`CREATE VIRTUAL TABLE baseline USING fts5(body, person UNINDEXED, tokenize='${tokenize}')`);
    await ds.transaction(async (m) => {
      for (const [i, t] of stored.entries()) await m.query('INSERT INTO baseline(rowid, body, person) VALUES (?, ?, ?)', [i + 1, t.content, t.person]);
    });
    const out = new Map<string, string[]>();
    for (const q of questions) {
      const match = baselineOrQuery(q.text);
      const rows: Array<{ rowid: number }> = match
        ? await ds.query('SELECT rowid FROM baseline WHERE baseline MATCH ? AND person = ? ORDER BY bm25(baseline) LIMIT 10', [match, persons.get(q.conversation)])
        : [];
      out.set(q.id, rows.map((r) => stored[Number(r.rowid) - 1].turnId));
    }
    return out;
  } finally {
    await ds.destroy();
  }
}

function figures(ranked: readonly Ranked[]): RecallFigures {
  const at = (k: number) => ranked.filter((r) => r.question.answers.every((a) => r.got.slice(0, k).includes(a))).length / Math.max(1, ranked.length);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { questions: ranked.length, recallAt5: round(at(5)), recallAt10: round(at(10)) };
}

function summarise(ranked: readonly Ranked[]): SystemFigures {
  const by = <K extends string>(key: (r: Ranked) => K) => {
    const out: Partial<Record<K, RecallFigures>> = {};
    for (const k of new Set(ranked.map(key))) out[k] = figures(ranked.filter((r) => key(r) === k));
    return out;
  };
  return { overall: figures(ranked), groups: by((r) => r.group), kinds: by((r) => r.question.kind) };
}

/**
 * Stores the set's turns in `ds` (a migrated, empty memory database) and measures recall@5 and
 * @10 of our retrieval and of both baselines. `ds` may be SQLite or PostgreSQL; the baselines
 * always run on SQLite, over the text as it was stored.
 */
export async function runRetrievalEval(ds: DataSource, set: EvalSet, options: { embeddings?: MemoryEmbeddingModel } = {}): Promise<RetrievalEvalResult> {
  const runner = createTransactionRunner(ds);
  const store = MemoryStore.create(ds, runner);
  const service = new MemoryService({ store, settings: new MemorySettingsStore(ds, runner) });
  const conversations = new Map<string, EvalConversation>(set.conversations.map((c) => [c.id, c]));
  const persons = new Map(set.conversations.map((c) => [c.id, c.person]));
  const questions = set.questions.filter((q) => conversations.has(q.conversation));

  const stored: StoredTurn[] = [];
  const turnOf = new Map<string, string>();
  for (const conv of set.conversations) {
    const records = await store.insertMany(
      conv.turns.map((t) => ({
        content: t.text,
        scope: 'person' as const,
        personId: conv.person,
        projectId: null,
        category: null,
        tags: [],
        confidence: 0.9,
        source: 'extracted' as const,
        sourceSessionId: `${conv.id}-s${t.session}`,
        sourceMessageId: t.id,
      })),
    );
    records.forEach((rec, i) => {
      turnOf.set(rec.id, conv.turns[i].id);
      stored.push({ turnId: conv.turns[i].id, person: conv.person, content: rec.content });
    });
  }

  let leaks = 0;
  const retrieveAll = async (svc: MemoryService): Promise<Ranked[]> => {
    const out: Ranked[] = [];
    for (const q of questions) {
      const conv = conversations.get(q.conversation)!;
      const audience: MemoryAudience = { speaker: { personId: conv.person, role: 'owner' }, groupId: null, projectId: null };
      const got = await svc.retrieve(q.text, audience);
      leaks += got.filter((m) => m.scope !== 'person' || m.personId !== conv.person).length;
      out.push({ question: q, group: conv.group, got: got.slice(0, 10).map((m) => turnOf.get(m.id) ?? m.id) });
    }
    await svc.close();
    return out;
  };
  const ours = await retrieveAll(service);
  // The same documents, queried without synonym concepts.
  const plainStore = MemoryStore.create(ds, runner, memorySearchFor(ds, { synonyms: false }));
  const oursNoSynonyms = await retrieveAll(new MemoryService({ store: plainStore, settings: new MemorySettingsStore(ds, runner) }));
  let semantic: RetrievalEvalResult['semantic'] = null;
  if (options.embeddings) {
    // The product's own indexing: the service embeds every stored turn in the background at start.
    const withVectors = new MemoryService({ store, settings: new MemorySettingsStore(ds, runner), embeddings: { model: options.embeddings, batchSize: 256 } });
    await withVectors.start();
    await withVectors.embeddingsIdle();
    const figures = summarise(await retrieveAll(withVectors));
    const plainWithVectors = new MemoryService({ store: plainStore, settings: new MemorySettingsStore(ds, runner), embeddings: { model: options.embeddings } });
    await plainWithVectors.start();
    await plainWithVectors.embeddingsIdle();
    semantic = { model: options.embeddings.modelKey, ...figures, withoutSynonyms: summarise(await retrieveAll(plainWithVectors)).overall };
  }

  const baseline = async (tokenize: string) => {
    const ranked = await runBaseline(stored, questions, persons, tokenize);
    return questions.map((q) => ({ question: q, group: conversations.get(q.conversation)!.group, got: ranked.get(q.id)! }));
  };
  const text = new Map(stored.map((s) => [s.turnId, s.content]));
  return {
    conversations: set.conversations.length,
    turns: stored.length,
    questions: questions.length,
    systems: {
      ours: summarise(ours),
      'ours-no-synonyms': summarise(oursNoSynonyms),
      bm25: summarise(await baseline('unicode61')),
      'bm25-porter': summarise(await baseline('porter unicode61')),
    },
    semantic,
    leaks,
    misses: ours
      .filter((r) => !r.question.answers.every((a) => r.got.slice(0, 5).includes(a)))
      .slice(0, 40)
      .map((r) => ({ question: r.question.text, expected: r.question.answers.map((a) => text.get(a) ?? a), got: r.got.slice(0, 3).map((g) => text.get(g) ?? g) })),
  };
}

/** The figures as a table: systems side by side, overall, per language group and per question kind. */
export function formatRetrievalEval(r: RetrievalEvalResult): string {
  const cell = (f: RecallFigures | undefined) => (f ? `${f.recallAt5.toFixed(3)} / ${f.recallAt10.toFixed(3)}` : '-').padEnd(18);
  const sem = r.semantic;
  const row = (label: string, get: (s: SystemFigures) => RecallFigures | undefined) =>
    `${label.padEnd(34)}${RETRIEVAL_SYSTEMS.map((s) => cell(get(r.systems[s]))).join('')}${sem ? cell(get(sem)) : ''}`;
  const ours = r.systems.ours.overall;
  const stemmed = r.systems['bm25-porter'].overall;
  const lines = [
    `Retrieval evaluation: ${r.conversations} conversations, ${r.turns} turns stored as memories, ${r.questions} questions (recall@5 / recall@10; all answer turns needed)`,
    '',
    `${''.padEnd(34)}${'ours'.padEnd(18)}${'ours w/o synonyms'.padEnd(18)}${'bm25 (unicode61)'.padEnd(18)}${'bm25 (porter)'.padEnd(18)}${sem ? '+ semantic (fake)' : ''}`,
    row(`all (${ours.questions})`, (s) => s.overall),
  ];
  for (const g of Object.keys(r.systems.ours.groups) as EvalLanguageGroup[]) lines.push(row(`  ${g} (${r.systems.ours.groups[g]!.questions})`, (s) => s.groups[g]));
  for (const k of Object.keys(r.systems.ours.kinds) as EvalQuestionKind[]) lines.push(row(`  ${k} (${r.systems.ours.kinds[k]!.questions})`, (s) => s.kinds[k]));
  const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(3)}`;
  const margin = ours.recallAt5 - stemmed.recallAt5;
  lines.push(
    '',
    `recall@5 over stemmed bm25: ${signed(margin)} (target >= +0.100: ${margin >= RECALL_MARGIN_TARGET - 1e-9 ? 'ok' : 'MISSED'}); ` +
      `without the synonym table: ${signed(r.systems['ours-no-synonyms'].overall.recallAt5 - stemmed.recallAt5)}; memories of another person returned: ${r.leaks}`,
  );
  if (sem) {
    lines.push(
      `lexical + semantic (${sem.model}: the fake embedding model, hashed word, word-piece and synonym-group features, not a language model): ` +
        `recall@5 ${signed(sem.overall.recallAt5 - ours.recallAt5)} over lexical alone (target > 0: ${sem.overall.recallAt5 > ours.recallAt5 ? 'ok' : 'MISSED'}); ` +
        `without the synonym table: ${sem.withoutSynonyms.recallAt5.toFixed(3)} / ${sem.withoutSynonyms.recallAt10.toFixed(3)} ` +
        `(${signed(sem.withoutSynonyms.recallAt5 - r.systems['ours-no-synonyms'].overall.recallAt5)} over lexical without it)`,
    );
  }
  return lines.join('\n');
}

/** How far our recall@5 must be above the stemmed baseline's. */
export const RECALL_MARGIN_TARGET = 0.1;

/** True when our lexical retrieval beats the stemmed baseline by the target margin, semantic (when measured) beats lexical, and nothing leaks. */
export function retrievalEvalMeetsTargets(r: RetrievalEvalResult): boolean {
  const lexical = r.systems.ours.overall.recallAt5;
  return lexical - r.systems['bm25-porter'].overall.recallAt5 >= RECALL_MARGIN_TARGET - 1e-9 && r.leaks === 0 && (!r.semantic || r.semantic.overall.recallAt5 > lexical);
}
