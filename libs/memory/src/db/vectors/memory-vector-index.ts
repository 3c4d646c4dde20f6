import type { EntityManager } from 'typeorm';
import type { ScopePredicate } from '../fts/memory-search-index';

/**
 * What both vector implementations share. A memory's vector lives in `memory_embeddings` (one row
 * per memory: the model it came from, the content hash it was computed for, its owner key, the
 * float32 vector and a 512-bit signature of it); the row goes with the memory (foreign key,
 * `ON DELETE CASCADE`, and an explicit delete by the store in the same transaction).
 *
 * Search is two steps on both databases, so neither needs a vector extension PostgreSQL's
 * Debian packages lack, and neither scans every float of every memory:
 * 1. candidates by Hamming distance between signatures, within the owner keys the turn may read
 *    (SQLite: a sqlite-vec `vec0` index of `bit[512]` partitioned by owner and model; PostgreSQL:
 *    `bit_count(signature # query)` over a covering index of the owner's rows);
 * 2. those candidates ranked by exact cosine similarity of their float vectors.
 *
 * The signature is a SimHash: the signs of 512 fixed pseudo-random ±1 projections of the vector,
 * whatever its dimension. The Hamming distance of two signatures estimates the angle between the
 * vectors, so the candidates are the probable nearest ones; the exact step orders them.
 */

/** Bits of a vector's signature (64 bytes). */
export const SIGNATURE_BITS = 512;

/** A memory's vector to store. */
export interface VectorDocument {
  docId: number;
  /** The owner key of the memory (`ownerKeyOf`). */
  ownerKey: string;
  /** The model key of the embedding model (`provider/model`). */
  model: string;
  /** The content hash of the memory text the vector was computed from. */
  contentHash: string;
  /** Unit length. */
  vector: Float32Array;
}

/** A semantic hit: the memory row (as selected) and its cosine similarity to the query (-1..1, higher is nearer). */
export interface VectorHit<Row> {
  row: Row;
  similarity: number;
}

/** The vector index of memories, written by the store inside its transactions. */
export interface MemoryVectorIndex {
  /** False when the database cannot hold vectors here (SQLite without a loadable sqlite-vec): semantic retrieval is off. */
  available(manager: EntityManager): Promise<boolean>;
  /** Stores (or replaces) these memories' vectors. */
  put(manager: EntityManager, docs: readonly VectorDocument[]): Promise<void>;
  /** Removes these memories' vectors (deleted, superseded, or their text changed). */
  remove(manager: EntityManager, docIds: readonly number[]): Promise<void>;
  /** Changes the owner key of these memories' vectors (moved to another scope or person). */
  move(manager: EntityManager, docIds: readonly number[], ownerKey: string): Promise<void>;
  /**
   * The memories nearest the query vector among the owner keys, by the model's vectors only,
   * active and within `scope` (checked on the rows read), nearest first. `columns` must include m."doc_id".
   */
  search<Row>(
    manager: EntityManager,
    query: Float32Array,
    model: string,
    ownerKeys: readonly string[],
    columns: string,
    scope: ScopePredicate,
    limit: number,
  ): Promise<Array<VectorHit<Row>>>;
}

/**
 * How many signature candidates per owner key the exact step ranks: a few more than the hits
 * asked for. The candidate step's cost grows with this number (sqlite-vec keeps its top k sorted),
 * and the exact step repairs the order among them; the bench measures recall and latency with it.
 */
export function candidateCount(limit: number): number {
  return Math.max(40, limit + 10);
}

/** The key of one memory owner: `global`, `project:<id>`, `person:<id>` or `group:<id>`. */
export function ownerKeyOf(owner: { scope: string; projectId: string | null; personId: string | null; groupId: string | null }): string {
  switch (owner.scope) {
    case 'project':
      return `project:${owner.projectId}`;
    case 'person':
      return `person:${owner.personId}`;
    case 'group':
      return `group:${owner.groupId}`;
    default:
      return 'global';
  }
}

/** The vector scaled to unit length, as float32 (zero vectors stay zero). */
export function unitVector(values: readonly number[] | Float32Array): Float32Array {
  const out = Float32Array.from(values);
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0 && Number.isFinite(norm)) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

/** Cosine similarity of two unit vectors (their dot product); 0 when the sizes differ. */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

/** A float32 vector as little-endian bytes (what SQLite's blob and PostgreSQL's bytea hold). */
export function vectorBytes(vector: Float32Array): Buffer {
  const out = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) out.writeFloatLE(vector[i], i * 4);
  return out;
}

/** The vector stored as bytes by `vectorBytes`. */
export function vectorFromBytes(bytes: Uint8Array): Float32Array {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(buf.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

// Per vector dimension, built on first use: the random signs of each round of the transform.
const flips = new Map<number, Float32Array[]>();

function flipsFor(dims: number, size: number, rounds: number): Float32Array[] {
  let f = flips.get(dims);
  if (f) return f;
  // mulberry32 with a fixed seed: every process draws the same projections for a dimension.
  let a = 0x5eed0000 + dims;
  f = Array.from({ length: rounds }, () => {
    const signs = new Float32Array(size);
    for (let i = 0; i < size; i += 32) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const bits = (t ^ (t >>> 14)) >>> 0;
      for (let j = 0; j < 32 && i + j < size; j++) signs[i + j] = (bits >>> j) & 1 ? 1 : -1;
    }
    return signs;
  });
  flips.set(dims, f);
  return f;
}

/** In-place fast Walsh-Hadamard transform (length a power of two). */
function walshHadamard(x: Float32Array): void {
  for (let h = 1; h < x.length; h <<= 1) {
    for (let i = 0; i < x.length; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const a = x[j];
        const b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
  }
}

/**
 * The SimHash signature of a vector: bit i is set when the vector lies on the positive side of
 * pseudo-random hyperplane i. The hyperplanes are rows of a Hadamard matrix after random sign
 * flips (a structured random projection: O(d log d) per round instead of O(512 d)); a zero-padded
 * transform contributes only its first half, whose rows stay nearly orthogonal on the real columns.
 */
export function vectorSignature(vector: Float32Array): Buffer {
  const dims = Math.max(1, vector.length);
  let size = 1;
  while (size < dims) size <<= 1;
  const perRound = size === dims ? size : Math.max(1, size >> 1);
  const rounds = Math.ceil(SIGNATURE_BITS / perRound);
  const signs = flipsFor(dims, size, rounds);
  const out = Buffer.alloc(SIGNATURE_BITS / 8);
  const work = new Float32Array(size);
  let bit = 0;
  for (let r = 0; r < rounds; r++) {
    work.fill(0);
    for (let i = 0; i < vector.length; i++) work[i] = vector[i] * signs[r][i];
    walshHadamard(work);
    for (let i = 0; i < perRound && bit < SIGNATURE_BITS; i++, bit++) if (work[i] > 0) out[bit >> 3] |= 1 << (bit & 7);
  }
  return out;
}

/** A signature as PostgreSQL's bit string literal ('0101…', bit 0 first). */
export function signatureBits(signature: Buffer): string {
  let out = '';
  for (let bit = 0; bit < SIGNATURE_BITS; bit++) out += (signature[bit >> 3] >> (bit & 7)) & 1 ? '1' : '0';
  return out;
}
