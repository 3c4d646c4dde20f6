import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { Channel, SessionStatus } from '@switchboard/protocol';

/** Row of `sessions`: one conversation, keyed by (channel, peer_id). Never handed to callers. */
@Entity({ name: 'sessions' })
@Unique('uq_sessions_channel_peer', ['channel', 'peerId'])
@Index('idx_sessions_last_activity_at', ['lastActivityAt'])
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: Channel;

  @Column({ name: 'peer_id', type: 'varchar', length: 200 })
  peerId!: string;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ name: 'project_id', type: 'varchar', length: 200, nullable: true })
  projectId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  agent!: string | null;

  @Column({ name: 'person_id', type: 'varchar', length: 36, nullable: true })
  personId!: string | null;
  @Column({ name: 'group_key', type: 'varchar', length: 200, nullable: true })
  groupKey!: string | null;

  @Column({ type: 'boolean', default: false })
  archived!: boolean;

  @Column({ type: 'boolean', default: false })
  pinned!: boolean;

  @Column({ type: 'varchar', length: 16 })
  status!: SessionStatus;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'last_model_config_id', type: 'varchar', length: 200, nullable: true })
  lastModelConfigId!: string | null;

  @Column({ name: 'current_turn_id', type: 'varchar', length: 64, nullable: true })
  currentTurnId!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ name: 'last_activity_at', type: 'varchar', length: 30 })
  lastActivityAt!: string;
}
