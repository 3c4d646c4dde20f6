import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { SessionEntity } from './session.entity';

/** Row of `usage_records`: tokens and cost of one model call (the primary turn or a delegation). */
@Entity({ name: 'usage_records' })
@Index('idx_usage_records_session', ['sessionId'])
export class UsageRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  @ForeignKey(() => SessionEntity, { name: 'fk_usage_records_session', onDelete: 'CASCADE' })
  sessionId!: string;

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

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
