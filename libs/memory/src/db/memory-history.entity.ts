import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What happened to a memory; `deleted` rows are tombstones without content. */
export type MemoryHistoryAction = 'created' | 'merged' | 'updated' | 'superseded' | 'deleted';

/** Row of `memory_history`: one change of one memory, with the content it left behind. */
@Entity({ name: 'memory_history' })
@Index('idx_memory_history_memory', ['memoryId', 'createdAt'])
export class MemoryHistoryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  // No foreign key: the tombstone of a hard delete outlives the memory row.
  @Column({ name: 'memory_id', type: 'varchar', length: 36 })
  memoryId!: string;

  @Column({ type: 'varchar', length: 16 })
  action!: MemoryHistoryAction;

  /** The memory's content after the change (null for tombstones and supersede notes). */
  @Column({ type: 'text', nullable: true })
  content!: string | null;

  @Column({ type: 'varchar', length: 32 })
  reason!: string;

  /** The other memory involved: the one superseding this, or the one it replaced. */
  @Column({ name: 'related_id', type: 'varchar', length: 36, nullable: true })
  relatedId!: string | null;

  @Column({ name: 'session_id', type: 'varchar', length: 36, nullable: true })
  sessionId!: string | null;

  /** The person who made a user edit or move (null: the pipeline, or a row older than this column). */
  @Column({ name: 'actor_id', type: 'varchar', length: 64, nullable: true })
  actorId!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
