import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Memory, MemoryScope } from '@switchboard/protocol';
import { MemoryEntity } from '../db/memory.entity';
import { MemoryHistoryEntity, type MemoryHistoryAction } from '../db/memory-history.entity';
import { parseStoredTags, type MemorySearchIndex, type ScopePredicate } from '../db/fts/memory-search-index';
import { PostgresMemorySearch } from '../db/fts/postgres-memory-fts';
import { SqliteMemorySearch } from '../db/fts/sqlite-memory-fts';
import { ownerKeyOf, unitVector, type MemoryVectorIndex } from '../db/vectors/memory-vector-index';
import { PostgresMemoryVectors } from '../db/vectors/postgres-memory-vectors';
import { SqliteMemoryVectors } from '../db/vectors/sqlite-memory-vectors';
import type { MemoryOrigin } from '../memory.types';
import { contentHash, normalisedForm, normaliseWhitespace } from '../text/normalise-text';
import { dialectOf, selectRows, type TransactionRunner } from '@switchboard/persistence';

/**
 * Which memories a read or write may touch. Every store method takes one: there is no way to
 * query memories without saying whose they are.
 *
 * `turn` is what one turn may read: `global`, the conversation's project (when it has one), its
 * group (when it is a group chat) and the speaker's own `person` memories — the latter only in a
 * private conversation, since a group reads the reply too. A null id leaves that part out.
 */
export type MemoryScopeFilter =
  | { scope: 'global' }
  /** one project's memories; `projectId: null` means every project (management listing) */
  | { scope: 'project'; projectId: string | null }
  /** one person's memories; `personId: null` means every person's (management listing) */
  | { scope: 'person'; personId: string | null }
  /** one group chat's memories; `groupId: null` means every group's (management listing) */
  | { scope: 'group'; groupId: string | null }
  | { scope: 'turn'; personId: string | null; groupId: string | null; projectId: string | null }
  /** everything (the owner's management view) */
  | { scope: 'all' };

/** Whose a memory is: its scope and the id that scope needs (the others are null). */
export interface MemoryOwner {
  scope: MemoryScope;
  projectId: string | null;
  personId: string | null;
  groupId: string | null;
}

/** A stored memory: the wire shape plus what only the store and the gate need. */
export interface MemoryRecord extends Memory {
  personId: string | null;
  groupId: string | null;
  contentHash: string;
  docId: number;
  supersededBy: string | null;
}

export interface NewMemoryInput {
  content: string;
  scope: MemoryScope;
  projectId: string | null;
  /** Required with scope `person`. */
  personId?: string | null;
  /** Required with scope `group` (`channel:groupKey`). */
  groupId?: string | null;
  category: string | null;
  tags: string[];
  confidence: number;
  source: MemoryOrigin;
  sourceSessionId: string | null;
  sourceMessageId: string | null;
}

export interface MemoryPatch {
  content?: string;
  category?: string | null;
  tags?: string[];
  confidence?: number;
  sourceSessionId?: string | null;
  sourceMessageId?: string | null;
  /** Moves the memory to another scope (or another person, group or project). */
  owner?: MemoryOwner;
}

/** Why a change happened (a gate reason code or `USER_EDIT`...) and in which session. */
export interface ChangeMeta {
  reason: string;
  sessionId?: string | null;
  /** The person who made a user edit or move. */
  actorId?: string | null;
}

export interface MemoryHistoryEntry {
  id: string;
  memoryId: string;
  action: MemoryHistoryAction;
  content: string | null;
  reason: string;
  relatedId: string | null;
  sessionId: string | null;
  actorId: string | null;
  createdAt: string;
}

/** The latest user edit or move of a memory: when and by whom (null when unknown). */
export interface LastEdit {
  at: string;
  by: string | null;
}

interface MemoryRow {
  id: string;
  doc_id: number | string;
  content: string;
  content_hash: string;
  scope: MemoryScope;
  project_id: string | null;
  person_id: string | null;
  group_id: string | null;
  category: string | null;
  tags: string;
  confidence: number | string;
  source: MemoryOrigin;
  source_session_id: string | null;
  source_message_id: string | null;
  superseded_by: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `m."id", m."doc_id", m."content", m."content_hash", m."scope", m."project_id", m."person_id", m."group_id", m."category", m."tags", m."confidence",
  m."source", m."source_session_id", m."source_message_id", m."superseded_by", m."created_at", m."updated_at"`;

function toRecord(row: MemoryRow): MemoryRecord {
  const tags = parseStoredTags(row.tags);
  return {
    id: row.id,
    content: row.content,
    scope: row.scope,
    projectId: row.project_id,
    personId: row.person_id,
    groupId: row.group_id,
    category: row.category,
    tags,
    confidence: Number(row.confidence),
    source: row.source,
    sourceSessionId: row.source_session_id,
    sourceMessageId: row.source_message_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    contentHash: row.content_hash,
    docId: Number(row.doc_id),
    supersededBy: row.superseded_by,
  };
}

/** The wire shape of a stored memory (internal columns dropped). */
export function toMemory(record: MemoryRecord, score?: number): Memory {
  return {
    id: record.id,
    content: record.content,
    scope: record.scope,
    projectId: record.projectId,
    personId: record.personId,
    groupId: record.groupId,
    category: record.category,
    tags: record.tags,
    confidence: record.confidence,
    source: record.source,
    sourceSessionId: record.sourceSessionId,
    sourceMessageId: record.sourceMessageId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(score !== undefined ? { score } : {}),
  };
}

type SingleScopeFilter = Exclude<MemoryScopeFilter, { scope: 'turn' } | { scope: 'all' }>;

/** The single-scope parts a turn filter is the union of (each has its own index). */
export function turnParts(filter: Extract<MemoryScopeFilter, { scope: 'turn' }>): SingleScopeFilter[] {
  const parts: SingleScopeFilter[] = [{ scope: 'global' }];
  if (filter.projectId !== null) parts.push({ scope: 'project', projectId: filter.projectId });
  if (filter.groupId !== null) parts.push({ scope: 'group', groupId: filter.groupId });
  // In a group chat the whole group reads the reply: nobody's personal memories go into it.
  else if (filter.personId !== null) parts.push({ scope: 'person', personId: filter.personId });
  return parts;
}

/** The filter that holds exactly one memory owner's memories (for writes and moves). */
export function ownerFilter(owner: MemoryOwner): SingleScopeFilter {
  switch (owner.scope) {
    case 'global':
      return { scope: 'global' };
    case 'project':
      return { scope: 'project', projectId: requireOwnerId(owner.projectId, 'project') };
    case 'person':
      return { scope: 'person', personId: requireOwnerId(owner.personId, 'person') };
    case 'group':
      return { scope: 'group', groupId: requireOwnerId(owner.groupId, 'group') };
  }
}

/** An owner with the ids its scope does not use cleared; throws when the one it needs is missing. */
export function normaliseOwner(owner: { scope: MemoryScope; projectId?: string | null; personId?: string | null; groupId?: string | null }): MemoryOwner {
  const out: MemoryOwner = {
    scope: owner.scope,
    projectId: owner.scope === 'project' ? (owner.projectId ?? null) : null,
    personId: owner.scope === 'person' ? (owner.personId ?? null) : null,
    groupId: owner.scope === 'group' ? (owner.groupId ?? null) : null,
  };
  ownerFilter(out);
  return out;
}

function requireOwnerId(id: string | null, scope: string): string {
  if (!id) throw new Error(`A ${scope} memory needs a ${scope} id.`);
  return id;
}

function singlePredicate(filter: SingleScopeFilter): ScopePredicate {
  switch (filter.scope) {
    case 'global':
      // project_id IS NULL always holds for global rows; saying it lets the (scope, project_id, updated_at) index order them.
      return { sql: `m."scope" = 'global' AND m."project_id" IS NULL`, params: {} };
    case 'project':
      return filter.projectId === null
        ? { sql: `m."scope" = 'project'`, params: {} }
        : { sql: `m."scope" = 'project' AND m."project_id" = :scopeProjectId`, params: { scopeProjectId: filter.projectId } };
    case 'person':
      return filter.personId === null
        ? { sql: `m."scope" = 'person'`, params: {} }
        : { sql: `m."scope" = 'person' AND m."person_id" = :scopePersonId`, params: { scopePersonId: filter.personId } };
    case 'group':
      return filter.groupId === null
        ? { sql: `m."scope" = 'group'`, params: {} }
        : { sql: `m."scope" = 'group' AND m."group_id" = :scopeGroupId`, params: { scopeGroupId: filter.groupId } };
  }
}

/** The SQL predicate (over alias `m`) of a scope filter. */
export function scopePredicate(filter: MemoryScopeFilter): ScopePredicate {
  switch (filter.scope) {
    case 'turn': {
      const parts = turnParts(filter).map(singlePredicate);
      if (parts.length === 1) return parts[0];
      return { sql: parts.map((p) => `(${p.sql})`).join(' OR '), params: Object.assign({}, ...parts.map((p) => p.params)) as Record<string, unknown> };
    }
    case 'all':
      return { sql: '1 = 1', params: {} };
    default:
      return singlePredicate(filter);
  }
}

/** The owner keys a filter reads, when it names them all (a turn's parts, one owner); empty otherwise. */
export function ownerKeysOf(filter: MemoryScopeFilter): string[] {
  const parts: SingleScopeFilter[] = filter.scope === 'turn' ? turnParts(filter) : filter.scope === 'all' ? [] : [filter];
  const keys: string[] = [];
  for (const part of parts) {
    switch (part.scope) {
      case 'global':
        keys.push('global');
        break;
      case 'project':
        if (part.projectId === null) return [];
        keys.push(ownerKeyOf({ scope: 'project', projectId: part.projectId, personId: null, groupId: null }));
        break;
      case 'person':
        if (part.personId === null) return [];
        keys.push(ownerKeyOf({ scope: 'person', projectId: null, personId: part.personId, groupId: null }));
        break;
      case 'group':
        if (part.groupId === null) return [];
        keys.push(ownerKeyOf({ scope: 'group', projectId: null, personId: null, groupId: part.groupId }));
        break;
    }
  }
  return keys;
}

/** What `inScope` reads of a memory. */
export type ScopedMemory = Pick<MemoryRecord, 'scope' | 'projectId'> & { personId?: string | null; groupId?: string | null };

function inSingle(record: ScopedMemory, filter: SingleScopeFilter): boolean {
  switch (filter.scope) {
    case 'global':
      return record.scope === 'global';
    case 'project':
      return record.scope === 'project' && (filter.projectId === null || record.projectId === filter.projectId);
    case 'person':
      return record.scope === 'person' && (filter.personId === null || record.personId === filter.personId);
    case 'group':
      return record.scope === 'group' && (filter.groupId === null || record.groupId === filter.groupId);
  }
}

/** True when a record is inside a scope filter (the same rule as the SQL, for records already loaded). */
export function inScope(record: ScopedMemory, filter: MemoryScopeFilter): boolean {
  switch (filter.scope) {
    case 'turn':
      return turnParts(filter).some((part) => inSingle(record, part));
    case 'all':
      return true;
    default:
      return inSingle(record, filter);
  }
}

function requireLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`limit must be a positive integer, got ${n}`);
  return n;
}

const nowIso = () => new Date().toISOString();

/** The full-text index of the DataSource's dialect: FTS5 on SQLite, a tsvector column on PostgreSQL. */
export function memorySearchFor(ds: DataSource, options: { synonyms?: boolean } = {}): MemorySearchIndex {
  return dialectOf(ds) === 'postgres' ? new PostgresMemorySearch(options) : new SqliteMemorySearch(options);
}

/** The vector index of the DataSource's dialect: sqlite-vec on SQLite, bytea and bit(512) columns on PostgreSQL. */
export function memoryVectorsFor(ds: DataSource): MemoryVectorIndex {
  return dialectOf(ds) === 'postgres' ? new PostgresMemoryVectors() : new SqliteMemoryVectors();
}

/** A memory whose vector is missing, from another model, or computed for an older text. */
export interface EmbeddingWork {
  docId: number;
  content: string;
  contentHash: string;
}

/** A vector computed for a memory's text (`contentHash` says which text). */
export interface ComputedEmbedding {
  docId: number;
  contentHash: string;
  vector: readonly number[] | Float32Array;
}

/**
 * Memories, their history, their full-text documents and their vectors, always changed together
 * in one transaction. Reads outside a transaction use the DataSource's manager.
 */
export class MemoryStore {
  private constructor(
    private readonly manager: EntityManager,
    private readonly runner: TransactionRunner,
    private readonly index: MemorySearchIndex,
    private readonly vectors: MemoryVectorIndex,
    private readonly inTransaction: boolean,
  ) {}

  /** A store over a DataSource; `runner` must be the one every other writer of that DataSource uses. */
  static create(ds: DataSource, runner: TransactionRunner, index: MemorySearchIndex = memorySearchFor(ds), vectors: MemoryVectorIndex = memoryVectorsFor(ds)): MemoryStore {
    return new MemoryStore(ds.manager, runner, index, vectors, false);
  }

  /** Runs fn with a store bound to one transaction (reads see its writes; all commit or none do). */
  transaction<T>(fn: (store: MemoryStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.runner.run((m) => fn(new MemoryStore(m, this.runner, this.index, this.vectors, true)));
  }

  private async select(sql: string, params: Record<string, unknown> = {}): Promise<MemoryRow[]> {
    const [text, values] = this.manager.dataSource.driver.escapeQueryWithParameters(sql, params);
    return (await this.manager.query(text, values)) as MemoryRow[];
  }

  // ------------------------------------------------------------------ reads

  /** An active memory by id within the scope; null when it is missing, superseded or out of scope. */
  async get(id: string, filter: MemoryScopeFilter): Promise<MemoryRecord | null> {
    return (await this.getMany([id], filter))[0] ?? null;
  }

  /** Active memories by id within the scope (missing ones are left out). */
  async getMany(ids: readonly string[], filter: MemoryScopeFilter): Promise<MemoryRecord[]> {
    if (ids.length === 0) return [];
    const scope = scopePredicate(filter);
    const rows = await this.select(
      `SELECT ${COLUMNS} FROM "memories" m WHERE m."id" IN (:...ids) AND m."superseded_by" IS NULL AND (${scope.sql})`,
      { ...scope.params, ids: [...new Set(ids)].slice(0, 500) },
    );
    return rows.map(toRecord);
  }

  /** Active memories within the scope whose normalised content has this hash. */
  async findByHash(hash: string, filter: MemoryScopeFilter): Promise<MemoryRecord[]> {
    const scope = scopePredicate(filter);
    const rows = await this.select(
      `SELECT ${COLUMNS} FROM "memories" m WHERE m."content_hash" = :hash AND m."superseded_by" IS NULL AND (${scope.sql}) LIMIT 20`,
      { ...scope.params, hash },
    );
    return rows.map(toRecord);
  }

  /** Active memories within the scope that share words with the text, best bm25 first. */
  async search(text: string, filter: MemoryScopeFilter, limit: number): Promise<Array<{ record: MemoryRecord; bm25: number }>> {
    const hits = await this.index.search<MemoryRow>(this.manager, text, COLUMNS, scopePredicate(filter), requireLimit(limit));
    return hits.map((h) => ({ record: toRecord(h.row), bm25: h.bm25 }));
  }

  /**
   * Whether this database can hold and search vectors (SQLite: sqlite-vec loads here). The first
   * call also makes sure SQLite's vec0 index holds every stored vector: call it at start.
   */
  vectorsAvailable(): Promise<boolean> {
    return this.vectors.available(this.manager);
  }

  /**
   * Active memories within the scope nearest a query vector, by the vectors of one model, nearest
   * first, with their cosine similarity. Only filters that name their owners can be searched
   * (a turn's, one owner's); the others find nothing here.
   */
  async semanticSearch(vector: readonly number[] | Float32Array, model: string, filter: MemoryScopeFilter, limit: number): Promise<Array<{ record: MemoryRecord; similarity: number }>> {
    const owners = ownerKeysOf(filter);
    if (owners.length === 0) return [];
    const hits = await this.vectors.search<MemoryRow>(this.manager, unitVector(vector), model, owners, COLUMNS, scopePredicate(filter), requireLimit(limit));
    return hits.map((h) => ({ record: toRecord(h.row), similarity: h.similarity }));
  }

  /** Active memories without a vector of this model for their current text, oldest first. */
  async embeddingWork(model: string, limit: number): Promise<EmbeddingWork[]> {
    const rows = await selectRows<{ doc_id: number | string; content: string; content_hash: string }>(
      this.manager,
      `SELECT m."doc_id", m."content", m."content_hash" FROM "memories" m LEFT JOIN "memory_embeddings" e ON e."doc_id" = m."doc_id"
       WHERE m."superseded_by" IS NULL AND (e."doc_id" IS NULL OR e."model" <> :model OR e."content_hash" <> m."content_hash")
       ORDER BY m."doc_id" LIMIT ${requireLimit(limit)}`,
      { model },
    );
    return rows.map((r) => ({ docId: Number(r.doc_id), content: r.content, contentHash: r.content_hash }));
  }

  /**
   * Stores vectors computed in the background, each only if its memory is still there, active and
   * holds the text the vector was computed for (it may have been deleted, superseded or edited
   * meanwhile). On PostgreSQL the memory rows are share-locked first, so a concurrent delete either
   * went before (nothing is written) or waits and then deletes the vector too. Returns how many were stored.
   */
  putEmbeddings(model: string, computed: readonly ComputedEmbedding[]): Promise<number> {
    if (computed.length === 0) return Promise.resolve(0);
    return this.transaction(async (s) => {
      const postgres = dialectOf(s.manager.dataSource) === 'postgres';
      const rows = await selectRows<{ doc_id: number | string; content_hash: string; scope: MemoryScope; project_id: string | null; person_id: string | null; group_id: string | null }>(
        s.manager,
        `SELECT m."doc_id", m."content_hash", m."scope", m."project_id", m."person_id", m."group_id" FROM "memories" m
         WHERE m."doc_id" IN (:...docs) AND m."superseded_by" IS NULL ORDER BY m."doc_id"${postgres ? ' FOR SHARE' : ''}`,
        { docs: computed.map((c) => c.docId) },
      );
      const current = new Map(rows.map((r) => [Number(r.doc_id), r]));
      const docs = computed.flatMap((c) => {
        const row = current.get(c.docId);
        if (!row || row.content_hash !== c.contentHash) return [];
        const vector = unitVector(c.vector);
        if (vector.length === 0 || !vector.every(Number.isFinite)) return [];
        const owner = { scope: row.scope, projectId: row.project_id, personId: row.person_id, groupId: row.group_id };
        return [{ docId: c.docId, ownerKey: ownerKeyOf(owner), model, contentHash: c.contentHash, vector }];
      });
      await s.vectors.put(s.manager, docs);
      return docs.length;
    });
  }

  /** How many active memories have a vector of this model for their current text, and how many active memories there are. */
  async embeddingCoverage(model: string): Promise<{ embedded: number; active: number }> {
    const [row] = await selectRows<{ embedded: number | string; active: number | string }>(
      this.manager,
      `SELECT (SELECT COUNT(*) FROM "memory_embeddings" e JOIN "memories" m ON m."doc_id" = e."doc_id"
               WHERE e."model" = :model AND e."content_hash" = m."content_hash" AND m."superseded_by" IS NULL) AS "embedded",
              (SELECT COUNT(*) FROM "memories" WHERE "superseded_by" IS NULL) AS "active"`,
      { model },
    );
    return { embedded: Number(row?.embedded ?? 0), active: Number(row?.active ?? 0) };
  }

  /**
   * Active memories within the scope stored from the same source session as these, at most
   * `radius` memories before or after each (by doc id): what was said around a fact, which often
   * completes it ("my sister adopted a dog" … "she called him Biscuit"). The given ones are left out.
   */
  async neighbours(of: readonly MemoryRecord[], filter: MemoryScopeFilter, radius: number): Promise<MemoryRecord[]> {
    const anchors = of.filter((r) => r.sourceSessionId !== null).slice(0, 20);
    if (anchors.length === 0 || radius < 1) return [];
    const given = new Set(of.map((r) => r.docId));
    const docs = new Set<number>();
    for (const a of anchors) for (let d = a.docId - radius; d <= a.docId + radius; d++) if (!given.has(d)) docs.add(d);
    // Unique-key lookups only; session and scope are checked on the few rows read. With the scope
    // in the SQL, SQLite's planner walks a scope index instead (every memory of the person).
    const rows = await this.select(`SELECT ${COLUMNS} FROM "memories" m WHERE m."doc_id" IN (:...docs) AND m."superseded_by" IS NULL`, { docs: [...docs] });
    return rows
      .map(toRecord)
      .filter((r) => inScope(r, filter) && anchors.some((a) => a.sourceSessionId === r.sourceSessionId && Math.abs(a.docId - r.docId) <= radius));
  }

  /** The most recently updated active memories within the scope (each scope part uses its index). */
  async recent(filter: MemoryScopeFilter, limit: number): Promise<MemoryRecord[]> {
    requireLimit(limit);
    const parts: MemoryScopeFilter[] = filter.scope === 'turn' ? turnParts(filter) : [filter];
    // One statement: each part reads its own index, newest first, and the union is cut to the limit.
    const selects = parts.map((part) => {
      const scope = scopePredicate(part);
      return {
        sql: `SELECT ${COLUMNS} FROM "memories" m WHERE (${scope.sql}) AND m."superseded_by" IS NULL ORDER BY m."updated_at" DESC LIMIT ${limit}`,
        params: scope.params,
      };
    });
    const rows =
      selects.length === 1
        ? await this.select(selects[0].sql, selects[0].params)
        : await this.select(
            `${selects.map((q, i) => `SELECT * FROM (${q.sql}) p${i}`).join(' UNION ALL ')} ORDER BY "updated_at" DESC LIMIT ${limit}`,
            Object.assign({}, ...selects.map((q) => q.params)) as Record<string, unknown>,
          );
    return rows.map(toRecord);
  }

  /** Active memories within the scope: by relevance to `q` (with a 0..1 score) or newest first. */
  async list(filter: MemoryScopeFilter, options: { q?: string; limit: number }): Promise<Array<{ record: MemoryRecord; score?: number }>> {
    if (options.q) {
      const hits = await this.search(options.q, filter, options.limit);
      const best = Math.min(0, ...hits.map((h) => h.bm25));
      return hits.map((h) => ({ record: h.record, score: best === 0 ? 0 : Math.round((h.bm25 / best) * 1000) / 1000 }));
    }
    return (await this.recent(filter, options.limit)).map((record) => ({ record }));
  }

  /** How many active memories the scope holds. */
  async count(filter: MemoryScopeFilter): Promise<number> {
    const scope = scopePredicate(filter);
    const [text, values] = this.manager.dataSource.driver.escapeQueryWithParameters(
      `SELECT COUNT(*) AS "n" FROM "memories" m WHERE m."superseded_by" IS NULL AND (${scope.sql})`,
      scope.params,
    );
    const rows = (await this.manager.query(text, values)) as Array<{ n: number | string }>;
    return Number(rows[0]?.n ?? 0);
  }

  /** A memory's history, oldest first (tombstones included). */
  async history(memoryId: string): Promise<MemoryHistoryEntry[]> {
    const rows = await this.manager
      .createQueryBuilder(MemoryHistoryEntity, 'h')
      .where('h.memoryId = :memoryId', { memoryId })
      .orderBy('h.createdAt', 'ASC')
      .addOrderBy('h.id', 'ASC')
      .getMany();
    return rows.map((r) => ({ ...r }));
  }

  /** The latest user edit or move of each of these memories (memories never edited are absent). */
  async lastEdits(memoryIds: readonly string[]): Promise<Map<string, LastEdit>> {
    const out = new Map<string, LastEdit>();
    for (let i = 0; i < memoryIds.length; i += 400) {
      const rows = await this.manager
        .createQueryBuilder(MemoryHistoryEntity, 'h')
        .select(['h.memoryId', 'h.actorId', 'h.createdAt'])
        .where('h.memoryId IN (:...ids)', { ids: memoryIds.slice(i, i + 400) })
        .andWhere("h.action = 'updated'")
        .andWhere("h.reason IN ('USER_EDIT', 'USER_MOVE')")
        .orderBy('h.createdAt', 'ASC')
        .addOrderBy('h.id', 'ASC')
        .getMany();
      for (const r of rows) out.set(r.memoryId, { at: r.createdAt, by: r.actorId });
    }
    return out;
  }

  // ------------------------------------------------------------------ writes

  /** Stores a new memory with its history entry and full-text document. */
  create(input: NewMemoryInput, meta: ChangeMeta, relatedId: string | null = null): Promise<MemoryRecord> {
    return this.transaction(async (s) => {
      const [record] = await s.insertRows([input]);
      await s.addHistory(record.id, 'created', record.content, meta, relatedId);
      return record;
    });
  }

  /** Stores many memories at once without the gate (imports, the bench); one history entry each. */
  insertMany(inputs: readonly NewMemoryInput[]): Promise<MemoryRecord[]> {
    return this.transaction(async (s) => {
      const out: MemoryRecord[] = [];
      for (let i = 0; i < inputs.length; i += 400) {
        const records = await s.insertRows(inputs.slice(i, i + 400));
        await s.manager
          .createQueryBuilder()
          .insert()
          .into(MemoryHistoryEntity)
          .values(records.map((r) => s.historyRow(r.id, 'created', r.content, { reason: 'IMPORT' }, null)))
          .execute();
        out.push(...records);
      }
      return out;
    });
  }

  /** Replaces a memory's content (a richer candidate, a user edit): history keeps every version. */
  update(id: string, patch: MemoryPatch, filter: MemoryScopeFilter, action: 'merged' | 'updated', meta: ChangeMeta): Promise<MemoryRecord | null> {
    return this.transaction(async (s) => {
      const current = await s.get(id, filter);
      if (!current) return null;
      const content = patch.content !== undefined ? normaliseWhitespace(patch.content) : current.content;
      const owner = patch.owner ? normaliseOwner(patch.owner) : null;
      const next: MemoryRecord = {
        ...current,
        ...(owner ?? {}),
        content,
        contentHash: contentHash(content),
        category: patch.category !== undefined ? patch.category : current.category,
        tags: patch.tags ?? current.tags,
        confidence: patch.confidence ?? current.confidence,
        sourceSessionId: patch.sourceSessionId !== undefined ? patch.sourceSessionId : current.sourceSessionId,
        sourceMessageId: patch.sourceMessageId !== undefined ? patch.sourceMessageId : current.sourceMessageId,
        updatedAt: nowIso(),
      };
      await s.manager
        .createQueryBuilder()
        .update(MemoryEntity)
        .set({
          content: next.content,
          contentHash: next.contentHash,
          scope: next.scope,
          projectId: next.projectId,
          personId: next.personId,
          groupId: next.groupId,
          category: next.category,
          tags: JSON.stringify(next.tags),
          confidence: next.confidence,
          sourceSessionId: next.sourceSessionId,
          sourceMessageId: next.sourceMessageId,
          updatedAt: next.updatedAt,
        })
        .where('id = :id', { id })
        .execute();
      await s.index.put(s.manager, [next]);
      // A vector of the old text must not answer for the new one: it goes, and is computed again in the background.
      if (next.contentHash !== current.contentHash) await s.vectors.remove(s.manager, [current.docId]);
      else if (owner && ownerKeyOf(next) !== ownerKeyOf(current)) await s.vectors.move(s.manager, [current.docId], ownerKeyOf(next));
      await s.addHistory(id, action, next.content, meta, null);
      return next;
    });
  }

  /** Stores the new memory and retires the old one: it stays in history, out of retrieval. */
  supersede(oldId: string, input: NewMemoryInput, filter: MemoryScopeFilter, meta: ChangeMeta): Promise<MemoryRecord | null> {
    return this.transaction(async (s) => {
      const old = await s.get(oldId, filter);
      if (!old) return null;
      const [record] = await s.insertRows([input]);
      await s.manager
        .createQueryBuilder()
        .update(MemoryEntity)
        .set({ supersededBy: record.id, supersededAt: nowIso() })
        .where('id = :id', { id: oldId })
        .execute();
      await s.index.remove(s.manager, old.docId);
      await s.vectors.remove(s.manager, [old.docId]);
      await s.addHistory(oldId, 'superseded', null, meta, record.id);
      await s.addHistory(record.id, 'created', record.content, meta, oldId);
      return record;
    });
  }

  /**
   * Hard delete: the memory, the versions it superseded, their full-text documents and every
   * history entry with content go; one content-free tombstone remains. Returns how many rows went.
   * Outside a caller's transaction, the old page images that still hold the text are dropped too.
   */
  async hardDelete(id: string, filter: MemoryScopeFilter, meta: ChangeMeta): Promise<number> {
    const removed = await this.deleteChain(id, filter, meta);
    if (removed > 0 && !this.inTransaction) await this.runner.eraseTraces();
    return removed;
  }

  private deleteChain(id: string, filter: MemoryScopeFilter, meta: ChangeMeta): Promise<number> {
    return this.transaction(async (s) => {
      const root = await s.get(id, filter);
      if (!root) return 0;
      const chain: string[] = [root.id];
      const docIds: number[] = [root.docId];
      for (let frontier = [root.id]; frontier.length > 0; ) {
        const older = await s.select(`SELECT m."id", m."doc_id" FROM "memories" m WHERE m."superseded_by" IN (:...ids)`, { ids: frontier });
        frontier = older.map((r) => r.id).filter((x) => !chain.includes(x));
        chain.push(...frontier);
        docIds.push(...older.map((r) => Number(r.doc_id)));
      }
      for (const docId of docIds) await s.index.remove(s.manager, docId);
      // The foreign key's cascade would take them with the rows too; the vec0 index on SQLite has no foreign key.
      await s.vectors.remove(s.manager, docIds);
      await s.manager.createQueryBuilder().delete().from(MemoryHistoryEntity).where('memoryId IN (:...ids)', { ids: chain }).execute();
      await s.manager.createQueryBuilder().delete().from(MemoryEntity).where('id IN (:...ids)', { ids: chain }).execute();
      await s.addHistory(root.id, 'deleted', null, meta, null);
      return chain.length;
    });
  }

  /**
   * Moves every memory of one person to another (their accounts were linked), superseded versions
   * included. A memory the new person already has (same normalised content) is not doubled: the
   * moved copy is superseded by theirs (kept in history, out of retrieval). Returns how many
   * active memories were moved or merged.
   */
  reassignPerson(fromPersonId: string, toPersonId: string, meta: ChangeMeta): Promise<number> {
    if (fromPersonId === toPersonId) return Promise.resolve(0);
    return this.transaction(async (s) => {
      const moving = await s.recentAll({ scope: 'person', personId: fromPersonId });
      if (moving.length === 0) return 0;
      const theirs = new Map<string, MemoryRecord>();
      for (const r of await s.recentAll({ scope: 'person', personId: toPersonId })) theirs.set(normalisedForm(r.content), r);
      for (const r of moving) {
        const twin = theirs.get(normalisedForm(r.content));
        if (!twin) continue;
        await s.manager
          .createQueryBuilder()
          .update(MemoryEntity)
          .set({ supersededBy: twin.id, supersededAt: nowIso() })
          .where('id = :id', { id: r.id })
          .execute();
        await s.index.remove(s.manager, r.docId);
        await s.vectors.remove(s.manager, [r.docId]);
        await s.addHistory(r.id, 'superseded', null, meta, twin.id);
      }
      const kept = moving.filter((r) => !theirs.has(normalisedForm(r.content))).map((r) => r.docId);
      await s.vectors.move(s.manager, kept, ownerKeyOf({ scope: 'person', projectId: null, personId: toPersonId, groupId: null }));
      // Superseded versions move too: a person's history is theirs.
      const [sql, values] = s.manager.dataSource.driver.escapeQueryWithParameters(
        `UPDATE "memories" SET "person_id" = :to WHERE "scope" = 'person' AND "person_id" = :from`,
        { to: toPersonId, from: fromPersonId },
      );
      await s.manager.query(sql, values);
      return moving.length;
    });
  }

  // ------------------------------------------------------------------ internals

  /** Every active memory within a scope (no limit: for bulk moves). */
  private async recentAll(filter: MemoryScopeFilter): Promise<MemoryRecord[]> {
    const scope = scopePredicate(filter);
    return (await this.select(`SELECT ${COLUMNS} FROM "memories" m WHERE (${scope.sql}) AND m."superseded_by" IS NULL`, scope.params)).map(toRecord);
  }

  private async insertRows(inputs: readonly NewMemoryInput[]): Promise<MemoryRecord[]> {
    const [{ next }] = (await this.manager.query(`SELECT COALESCE(MAX("doc_id"), 0) + 1 AS "next" FROM "memories"`)) as Array<{ next: number | string }>;
    const now = nowIso();
    const records: MemoryRecord[] = inputs.map((input, i) => {
      const content = normaliseWhitespace(input.content);
      return {
        id: randomUUID(),
        docId: Number(next) + i,
        content,
        contentHash: contentHash(content),
        // Scope and owner always agree: a global memory carries no project, person or group; the others carry theirs.
        ...normaliseOwner(input),
        category: input.category,
        tags: input.tags,
        confidence: input.confidence,
        source: input.source,
        sourceSessionId: input.sourceSessionId,
        sourceMessageId: input.sourceMessageId,
        createdAt: now,
        updatedAt: now,
        supersededBy: null,
      };
    });
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(MemoryEntity)
      .values(
        records.map((r) => ({
          id: r.id,
          docId: r.docId,
          content: r.content,
          contentHash: r.contentHash,
          scope: r.scope,
          projectId: r.projectId,
          personId: r.personId,
          groupId: r.groupId,
          category: r.category,
          tags: JSON.stringify(r.tags),
          confidence: r.confidence,
          source: r.source,
          sourceSessionId: r.sourceSessionId,
          sourceMessageId: r.sourceMessageId,
          supersededBy: null,
          supersededAt: null,
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        })),
      )
      .execute();
    await this.index.put(this.manager, records);
    return records;
  }

  private historyRow(memoryId: string, action: MemoryHistoryAction, content: string | null, meta: ChangeMeta, relatedId: string | null) {
    return {
      id: randomUUID(),
      memoryId,
      action,
      content,
      reason: meta.reason.slice(0, 32),
      relatedId,
      sessionId: meta.sessionId ?? null,
      actorId: meta.actorId ?? null,
      createdAt: nowIso(),
    };
  }

  private async addHistory(memoryId: string, action: MemoryHistoryAction, content: string | null, meta: ChangeMeta, relatedId: string | null): Promise<void> {
    await this.manager.createQueryBuilder().insert().into(MemoryHistoryEntity).values(this.historyRow(memoryId, action, content, meta, relatedId)).execute();
  }
}
