import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { SessionEntity } from './session.entity';

/** Row of `usage_records`: tokens and cost of one model call (the primary turn or a delegation). */
@Entity({ name: 'usage_records' })
@Index('idx_usage_records_session', ['sessionId'])
@Index('idx_usage_records_created_at', ['createdAt'])
@Index('idx_usage_records_person_created', ['personId', 'createdAt'])
export class UsageRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Null for a stateless call (OpenAI door without a session key): nothing but its usage is stored. */
  @Column({ name: 'session_id', type: 'varchar', length: 36, nullable: true })
  @ForeignKey(() => SessionEntity, { name: 'fk_usage_records_session', onDelete: 'CASCADE' })
  sessionId!: string | null;

  @Column({ name: 'turn_id', type: 'varchar', length: 64, nullable: true })
  turnId!: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 36, nullable: true })
  messageId!: string | null;

  @Column({ type: 'varchar', length: 50 })
  role!: string;

  @Column({ name: 'model_config_id', type: 'varchar', length: 200 })
  modelConfigId!: string;

  @Column({ name: 'input_tokens', type: 'integer' })
  inputTokens!: number;

  @Column({ name: 'output_tokens', type: 'integer' })
  outputTokens!: number;

  @Column({ name: 'cached_tokens', type: 'integer' })
  cachedTokens!: number;

  @Column({ name: 'cost_usd', type: 'double precision' })
  costUsd!: number;

  /** The channel of a stateless call; null when the session's channel applies. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  channel!: string | null;

  /** Who the call was made for (the OpenAI door's `user`), when the caller said. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  person!: string | null;

  @Column({ name: 'person_id', type: 'varchar', length: 36, nullable: true })
  personId!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
