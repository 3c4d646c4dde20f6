import { Column, Index, Entity, ForeignKey, PrimaryColumn, Unique } from 'typeorm';
import type { MessageKind, MessageRole, MessageStatus, ModelSource } from '@switchboard/protocol';
import { SessionEntity } from './session.entity';

/** Row of `messages`: history in a provider-neutral form; JSON columns are text. */
@Entity({ name: 'messages' })
@Unique('uq_messages_session_seq', ['sessionId', 'seq'])
@Index('idx_messages_person_created', ['personId', 'createdAt'])
export class MessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  @ForeignKey(() => SessionEntity, { name: 'fk_messages_session', onDelete: 'CASCADE' })
  sessionId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ name: 'turn_id', type: 'varchar', length: 64, nullable: true })
  turnId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  role!: MessageRole;

  @Column({ type: 'varchar', length: 32 })
  kind!: MessageKind;

  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'text' })
  parts!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: MessageStatus;

  @Column({ name: 'model_config_id', type: 'varchar', length: 200, nullable: true })
  modelConfigId!: string | null;

  @Column({ name: 'model_source', type: 'varchar', length: 16, nullable: true })
  modelSource!: ModelSource | null;

  @Column({ name: 'model_label', type: 'varchar', length: 200, nullable: true })
  modelLabel!: string | null;

  @Column({ type: 'text' })
  warnings!: string;

  @Column({ name: 'input_tokens', type: 'integer', nullable: true })
  inputTokens!: number | null;

  @Column({ name: 'output_tokens', type: 'integer', nullable: true })
  outputTokens!: number | null;

  @Column({ name: 'cached_tokens', type: 'integer', nullable: true })
  cachedTokens!: number | null;

  @Column({ name: 'cost_usd', type: 'double precision', nullable: true })
  costUsd!: number | null;

  @Column({ type: 'text', nullable: true })
  event!: string | null;

  @Column({ name: 'person_id', type: 'varchar', length: 36, nullable: true })
  personId!: string | null;

  /** JSON: the attachments it carries (id, name, mediaType, size), in order; `[]` for none. */
  @Column({ type: 'text', default: '[]' })
  attachments!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  /**
   * SQLite: whether the message search index holds this row (the batch indexer sets it; triggers
   * clear it). Its partial index is raw SQL in AddMessageSearchIndexing. Unused on PostgreSQL.
   */
  @Column({ name: 'search_indexed', type: 'boolean', default: false, select: false })
  @Index('idx_messages_search_pending', { synchronize: false })
  searchIndexed!: boolean;
}
