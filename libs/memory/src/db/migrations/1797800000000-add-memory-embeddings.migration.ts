import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SIGNATURE_BITS } from '../vectors/memory-vector-index';
import { EMBEDDING_OWNER_INDEX } from '../vectors/postgres-memory-vectors';
import { createSqliteMemoryVectors, dropSqliteMemoryVectors } from '../vectors/sqlite-memory-vectors';

/**
 * Semantic retrieval: `memory_embeddings` holds one vector per memory (the model it came from,
 * the content hash it was computed for, the owner key, the float32 vector, a 512-bit signature),
 * deleted with its memory (foreign key on `memories.doc_id`, ON DELETE CASCADE). On SQLite the
 * sqlite-vec `vec0` index `memory_vectors` is created too when the extension loads on this
 * platform (otherwise the store creates it once it can, or semantic retrieval stays off). The
 * vectors themselves are computed in the background after start. `down` drops both.
 */
export class AddMemoryEmbeddings1797800000000 implements MigrationInterface {
  name = 'AddMemoryEmbeddings1797800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(
      `CREATE TABLE "memory_embeddings" (
        "doc_id" integer PRIMARY KEY NOT NULL REFERENCES "memories"("doc_id") ON DELETE CASCADE,
        "model" varchar(300) NOT NULL,
        "content_hash" varchar(16) NOT NULL,
        "owner_key" varchar(300) NOT NULL,
        "dims" integer NOT NULL,
        "vector" ${postgres ? 'bytea' : 'blob'} NOT NULL,
        "signature" ${postgres ? `bit(${SIGNATURE_BITS})` : 'blob'} NOT NULL,
        "created_at" varchar(30) NOT NULL
      )`,
    );
    if (postgres) {
      // Covering: the candidate step reads owner, model and signature from the index alone.
      await queryRunner.query(`CREATE INDEX "${EMBEDDING_OWNER_INDEX}" ON "memory_embeddings" ("owner_key", "model") INCLUDE ("doc_id", "signature")`);
    } else {
      await queryRunner.query(`CREATE INDEX "${EMBEDDING_OWNER_INDEX}" ON "memory_embeddings" ("owner_key", "model")`);
      await createSqliteMemoryVectors(queryRunner.manager);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') await dropSqliteMemoryVectors(queryRunner.manager);
    await queryRunner.query(`DROP TABLE "memory_embeddings"`);
  }
}
