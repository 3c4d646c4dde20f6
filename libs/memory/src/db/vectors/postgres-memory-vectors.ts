import type { EntityManager } from 'typeorm';
import { selectRows } from '@switchboard/persistence';
import type { ScopePredicate } from '../fts/memory-search-index';
import {
  candidateCount,
  cosine,
  signatureBits,
  SIGNATURE_BITS,
  vectorBytes,
  vectorFromBytes,
  vectorSignature,
  type MemoryVectorIndex,
  type VectorDocument,
  type VectorHit,
} from './memory-vector-index';

/**
 * Everything PostgreSQL-specific about memory vectors, with no extension: Debian's PostgreSQL
 * has no pgvector, and `cube` stops at 100 dimensions. The float vector is a `bytea` (float32,
 * little-endian) and the signature a `bit(512)`; candidates come from `bit_count(signature # q)`
 * (XOR and popcount in C) over a covering index on (owner_key, model) that includes the
 * signature, so the step reads the index only; the few candidates' vectors are then read and
 * ranked by exact cosine here. Computing cosine in SQL over `real[]` would unnest every element
 * of every candidate row, which costs far more than reading 64 KB of bytes.
 */

export const EMBEDDING_OWNER_INDEX = 'idx_memory_embeddings_owner';

/** PostgreSQL implementation of the memory vector index. */
export class PostgresMemoryVectors implements MemoryVectorIndex {
  available(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async put(manager: EntityManager, docs: readonly VectorDocument[]): Promise<void> {
    if (docs.length === 0) return;
    await selectRows(
      manager,
      `INSERT INTO "memory_embeddings"("doc_id", "model", "content_hash", "owner_key", "dims", "vector", "signature", "created_at")
       SELECT d.doc, d.model, d.hash, d.owner, d.dims, decode(d.vector, 'base64'), CAST(d.signature AS bit(${SIGNATURE_BITS})), :now
       FROM unnest(CAST(:docs AS integer[]), CAST(:models AS text[]), CAST(:hashes AS text[]), CAST(:owners AS text[]), CAST(:dims AS integer[]),
                   CAST(:vectors AS text[]), CAST(:signatures AS text[])) AS d(doc, model, hash, owner, dims, vector, signature)
       ON CONFLICT ("doc_id") DO UPDATE SET "model" = excluded."model", "content_hash" = excluded."content_hash", "owner_key" = excluded."owner_key",
         "dims" = excluded."dims", "vector" = excluded."vector", "signature" = excluded."signature", "created_at" = excluded."created_at"`,
      {
        docs: docs.map((d) => d.docId),
        models: docs.map((d) => d.model),
        hashes: docs.map((d) => d.contentHash),
        owners: docs.map((d) => d.ownerKey),
        dims: docs.map((d) => d.vector.length),
        vectors: docs.map((d) => vectorBytes(d.vector).toString('base64')),
        signatures: docs.map((d) => signatureBits(vectorSignature(d.vector))),
        now: new Date().toISOString(),
      },
    );
  }

  async remove(manager: EntityManager, docIds: readonly number[]): Promise<void> {
    if (docIds.length === 0) return;
    await selectRows(manager, `DELETE FROM "memory_embeddings" WHERE "doc_id" = ANY(CAST(:docs AS integer[]))`, { docs: [...docIds] });
  }

  async move(manager: EntityManager, docIds: readonly number[], ownerKey: string): Promise<void> {
    if (docIds.length === 0) return;
    await selectRows(manager, `UPDATE "memory_embeddings" SET "owner_key" = :owner WHERE "doc_id" = ANY(CAST(:docs AS integer[]))`, { owner: ownerKey, docs: [...docIds] });
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
    if (ownerKeys.length === 0) return [];
    const k = candidateCount(limit);
    // One candidate list per owner key (each an index range), as SQLite's partitions.
    const candidates = await selectRows<{ doc_id: number }>(
      manager,
      `SELECT c."doc_id" FROM unnest(CAST(:owners AS text[])) AS o(owner)
       CROSS JOIN LATERAL (
         SELECT e."doc_id" FROM "memory_embeddings" e
         WHERE e."owner_key" = o.owner AND e."model" = :model
         ORDER BY bit_count(e."signature" # CAST(:signature AS bit(${SIGNATURE_BITS}))), e."doc_id" LIMIT ${k}
       ) c`,
      { owners: [...ownerKeys], model, signature: signatureBits(vectorSignature(query)) },
    );
    if (candidates.length === 0) return [];
    const rows = await selectRows<Row & { doc_id: number; vec: Buffer }>(
      manager,
      `SELECT ${columns}, e."vector" AS "vec"
       FROM "memory_embeddings" e JOIN "memories" m ON m."doc_id" = e."doc_id"
       WHERE e."doc_id" = ANY(CAST(:docs AS integer[])) AND e."model" = :model AND e."dims" = :dims
         AND e."content_hash" = m."content_hash" AND m."superseded_by" IS NULL AND (${scope.sql})`,
      { ...scope.params, docs: candidates.map((c) => Number(c.doc_id)), model, dims: query.length },
    );
    return rows
      .map(({ vec, ...row }) => ({ row: row as unknown as Row, similarity: cosine(query, vectorFromBytes(vec)), doc: Number(row.doc_id) }))
      .sort((a, b) => b.similarity - a.similarity || a.doc - b.doc)
      .slice(0, Math.max(1, Math.floor(limit)))
      .map(({ row, similarity }) => ({ row, similarity }));
  }
}
