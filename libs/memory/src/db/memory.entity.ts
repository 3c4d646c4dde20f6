import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { MemoryScope } from '@switchboard/protocol';
import type { MemoryOrigin } from '../memory.types';

/** Row of `memories`: one durable fact; superseded rows stay (history) but leave retrieval. */
@Entity({ name: 'memories' })
@Unique('uq_memories_doc_id', ['docId'])
@Index('idx_memories_scope_recent', ['scope', 'projectId', 'updatedAt'])
@Index('idx_memories_person_recent', ['scope', 'personId', 'updatedAt'])
@Index('idx_memories_group_recent', ['scope', 'groupId', 'updatedAt'])
@Index('idx_memories_content_hash', ['contentHash'])
// Covers the scope check of full-text hits: ranking never reads the table.
@Index('idx_memories_doc_scope', ['docId', 'supersededBy', 'scope', 'projectId', 'personId', 'groupId'])
// Partial: only superseded rows are indexed, so no query for active rows ("IS NULL") is tempted into it.
@Index('idx_memories_superseded_by', ['supersededBy'], { where: '"superseded_by" IS NOT NULL' })
export class MemoryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The row id of the memory's full-text document (stable, unlike SQLite's implicit rowid). */
  @Column({ name: 'doc_id', type: 'integer' })
  docId!: number;

  @Column({ type: 'text' })
  content!: string;

  @Column({ name: 'content_hash', type: 'varchar', length: 16 })
  contentHash!: string;

  @Column({ type: 'varchar', length: 16 })
  scope!: MemoryScope;

  @Column({ name: 'project_id', type: 'varchar', length: 200, nullable: true })
  projectId!: string | null;

  /** The person a `person` memory belongs to (null for every other scope). */
  @Column({ name: 'person_id', type: 'varchar', length: 64, nullable: true })
  personId!: string | null;

  /** The group chat (`channel:groupKey`) a `group` memory belongs to (null for every other scope). */
  @Column({ name: 'group_id', type: 'varchar', length: 250, nullable: true })
  groupId!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  category!: string | null;

  @Column({ type: 'text' })
  tags!: string;

  @Column({ type: 'double precision' })
  confidence!: number;

  @Column({ type: 'varchar', length: 16 })
  source!: MemoryOrigin;

  @Column({ name: 'source_session_id', type: 'varchar', length: 36, nullable: true })
  sourceSessionId!: string | null;

  @Column({ name: 'source_message_id', type: 'varchar', length: 36, nullable: true })
  sourceMessageId!: string | null;

  @Column({ name: 'superseded_by', type: 'varchar', length: 36, nullable: true })
  supersededBy!: string | null;

  @Column({ name: 'superseded_at', type: 'varchar', length: 30, nullable: true })
  supersededAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
