import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { ModelSource } from '@switchboard/protocol';
import { SessionEntity } from './session.entity';

/** Row of `queued_messages`: a message waiting for its session, with its model snapshot. */
@Entity({ name: 'queued_messages' })
@Index('idx_queued_messages_session_position', ['sessionId', 'position'])
export class QueuedMessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  @ForeignKey(() => SessionEntity, { name: 'fk_queued_messages_session', onDelete: 'CASCADE' })
  sessionId!: string;

  // Sparse and possibly negative: "move to head" takes min - 1; callers see 1..n.
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'model_config_id', type: 'varchar', length: 200 })
  modelConfigId!: string;

  @Column({ name: 'model_source', type: 'varchar', length: 16 })
  modelSource!: ModelSource;

  /** JSON of the turn options the sender asked for (TurnOptions), or null. */
  @Column({ name: 'turn_options', type: 'text', nullable: true })
  turnOptions!: string | null;

  @Column({ name: 'person_id', type: 'varchar', length: 36, nullable: true })
  personId!: string | null;

  /** JSON: the attachments it carries (id, name, mediaType, size), in order; `[]` for none. */
  @Column({ type: 'text', default: '[]' })
  attachments!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
