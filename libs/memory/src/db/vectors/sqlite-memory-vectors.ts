import type { Database } from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { DataSource, EntityManager } from 'typeorm';
import { selectRows, sqliteConnection } from '@switchboard/persistence';
import type { ScopePredicate } from '../fts/memory-search-index';
import { candidateCount, SIGNATURE_BITS, vectorBytes, vectorSignature, type MemoryVectorIndex, type VectorDocument, type VectorHit } from './memory-vector-index';

/**
 * Everything SQLite-specific about memory vectors: the sqlite-vec extension, loaded into the
 * shared connection, and its `vec0` index of signatures. PostgreSQL's counterpart is
 * postgres-memory-vectors.ts; the shared design is in memory-vector-index.ts.
 *
 * `memory_vectors` is an index derived from `memory_embeddings` (which holds the float vectors):
 * one `bit[512]` signature per memory, partitioned by owner key and model, so a turn's search
 * reads only the partitions of the owners it may see. sqlite-vec zeroes a deleted vector's bytes
 * in its chunk, and secure_delete overwrites the freed pages.
 */

export const VEC_TABLE = 'memory_vectors';

const loaded = new WeakSet<Database>();

/** Loads sqlite-vec into the DataSource's connection (once); false when it cannot be loaded on this platform. */
export function loadSqliteVec(ds: DataSource): boolean {
  const db = sqliteConnection(ds);
  if (!db) return false;
  if (loaded.has(db)) return true;
  try {
    sqliteVec.load(db);
  } catch {
    return false;
  }
  loaded.add(db);
  return true;
}

/** Creates the vec0 index (when sqlite-vec loads here) and fills it from `memory_embeddings`. Returns whether it exists. */
export async function createSqliteMemoryVectors(manager: EntityManager): Promise<boolean> {
  if (!loadSqliteVec(manager.dataSource)) return false;
  await manager.query(
    `CREATE VIRTUAL TABLE IF NOT EXISTS "${VEC_TABLE}" USING vec0(doc_id integer primary key, part text partition key, signature bit[${SIGNATURE_BITS}])`,
  );
  return true;
}

/** Drops the vec0 index (its module must be loaded to drop it). */
export async function dropSqliteMemoryVectors(manager: EntityManager): Promise<void> {
  if (loadSqliteVec(manager.dataSource)) await manager.query(`DROP TABLE IF EXISTS "${VEC_TABLE}"`);
}

/** The vec0 partition of an owner's vectors of one model. */
function part(ownerKey: string, model: string): string {
  return `${ownerKey}|${model}`;
}

/** SQLite implementation of the memory vector index (sqlite-vec). */
export class SqliteMemoryVectors implements MemoryVectorIndex {
  private ready: Promise<boolean> | null = null;

  /**
   * Loads the extension and makes sure the index exists and holds every stored vector (once per
   * process; the service calls it at start, outside any transaction).
   */
  available(manager: EntityManager): Promise<boolean> {
    this.ready ??= this.prepare(manager).catch(() => false);
    return this.ready;
  }

  private async prepare(manager: EntityManager): Promise<boolean> {
    if (!(await createSqliteMemoryVectors(manager))) return false;
    // A database whose vec0 index was made or emptied elsewhere (an old copy, a failed platform
    // load at migration time) gets it rebuilt from the stored vectors.
    const [{ n }] = await selectRows<{ n: number }>(manager, `SELECT (SELECT COUNT(*) FROM "memory_embeddings") - (SELECT COUNT(*) FROM "${VEC_TABLE}") AS "n"`);
    if (Number(n) !== 0) {
      await manager.query(`DELETE FROM "${VEC_TABLE}"`);
      await manager.query(
        `INSERT INTO "${VEC_TABLE}"(doc_id, part, signature) SELECT "doc_id", "owner_key" || '|' || "model", vec_bit("signature") FROM "memory_embeddings"`,
      );
    }
    return true;
  }

  async put(manager: EntityManager, docs: readonly VectorDocument[]): Promise<void> {
    if (docs.length === 0 || !(await this.available(manager))) return;
    const now = new Date().toISOString();
    for (const d of docs) {
      const signature = vectorSignature(d.vector);
      await selectRows(manager, `DELETE FROM "${VEC_TABLE}" WHERE doc_id = CAST(:doc AS INTEGER)`, { doc: d.docId });
      await selectRows(
        manager,
        `INSERT INTO "memory_embeddings"("doc_id", "model", "content_hash", "owner_key", "dims", "vector", "signature", "created_at")
         VALUES (:doc, :model, :hash, :owner, :dims, :vector, :signature, :now)
         ON CONFLICT("doc_id") DO UPDATE SET "model" = excluded."model", "content_hash" = excluded."content_hash", "owner_key" = excluded."owner_key",
           "dims" = excluded."dims", "vector" = excluded."vector", "signature" = excluded."signature", "created_at" = excluded."created_at"`,
        { doc: d.docId, model: d.model, hash: d.contentHash, owner: d.ownerKey, dims: d.vector.length, vector: vectorBytes(d.vector), signature, now },
      );
      await selectRows(manager, `INSERT INTO "${VEC_TABLE}"(doc_id, part, signature) VALUES (CAST(:doc AS INTEGER), :part, vec_bit(:signature))`, {
        doc: d.docId,
        part: part(d.ownerKey, d.model),
        signature,
      });
    }
  }

  async remove(manager: EntityManager, docIds: readonly number[]): Promise<void> {
    if (docIds.length === 0) return;
    const docs = JSON.stringify([...docIds]);
    await selectRows(manager, `DELETE FROM "memory_embeddings" WHERE "doc_id" IN (SELECT value FROM json_each(:docs))`, { docs });
    // Without the extension there is no vec0 index to clean (and none can be read either).
    if (await this.available(manager)) {
      for (const doc of docIds) await selectRows(manager, `DELETE FROM "${VEC_TABLE}" WHERE doc_id = CAST(:doc AS INTEGER)`, { doc });
    }
  }

  async move(manager: EntityManager, docIds: readonly number[], ownerKey: string): Promise<void> {
    if (docIds.length === 0) return;
    const docs = JSON.stringify([...docIds]);
    await selectRows(manager, `UPDATE "memory_embeddings" SET "owner_key" = :owner WHERE "doc_id" IN (SELECT value FROM json_each(:docs))`, { owner: ownerKey, docs });
    if (!(await this.available(manager))) return;
    // A partition key cannot be updated in place: the signature is put back under the new one.
    const rows = await selectRows<{ doc_id: number; model: string; signature: Buffer }>(
      manager,
      `SELECT "doc_id", "model", "signature" FROM "memory_embeddings" WHERE "doc_id" IN (SELECT value FROM json_each(:docs))`,
      { docs },
    );
    for (const r of rows) {
      await selectRows(manager, `DELETE FROM "${VEC_TABLE}" WHERE doc_id = CAST(:doc AS INTEGER)`, { doc: r.doc_id });
      await selectRows(manager, `INSERT INTO "${VEC_TABLE}"(doc_id, part, signature) VALUES (CAST(:doc AS INTEGER), :part, vec_bit(:signature))`, {
        doc: r.doc_id,
        part: part(ownerKey, r.model),
        signature: r.signature,
      });
    }
  }

  async search<Row>(
    manager: EntityManager,
    query: Float32Array,
    model: string,
    ownerKeys: readonly string[],
    columns: string,
    scope: ScopePredicate,
    limit: number,
  ): Promise<Array<VectorHit<Row>>> {
    if (ownerKeys.length === 0 || !(await this.available(manager))) return [];
    const signature = vectorSignature(query);
    const k = candidateCount(limit);
    const candidates: number[] = [];
    for (const owner of ownerKeys) {
      const rows = await selectRows<{ doc_id: number }>(
        manager,
        `SELECT doc_id FROM "${VEC_TABLE}" WHERE signature MATCH vec_bit(:signature) AND k = ${k} AND part = :part`,
        { signature, part: part(owner, model) },
      );
      for (const r of rows) candidates.push(Number(r.doc_id));
    }
    if (candidates.length === 0) return [];
    // The exact step in C: sqlite-vec's cosine distance over the candidates' float vectors, and the
    // memory's own row checked (active, in scope, and still the text the vector was computed from).
    const rows = await selectRows<Row & { doc_id: number; vec_distance: number }>(
      manager,
      `SELECT ${columns}, vec_distance_cosine(e."vector", :query) AS "vec_distance"
       FROM json_each(:docs) d
       CROSS JOIN "memory_embeddings" e ON e."doc_id" = d.value
       CROSS JOIN "memories" m ON m."doc_id" = e."doc_id"
       WHERE e."model" = :model AND e."dims" = :dims AND e."content_hash" = m."content_hash" AND m."superseded_by" IS NULL AND (${scope.sql})
       ORDER BY "vec_distance", m."doc_id" LIMIT ${Math.max(1, Math.floor(limit))}`,
      { ...scope.params, query: vectorBytes(query), docs: JSON.stringify(candidates), model, dims: query.length },
    );
    return rows.map(({ vec_distance, ...row }) => ({ row: row as unknown as Row, similarity: 1 - Number(vec_distance) }));
  }
}
