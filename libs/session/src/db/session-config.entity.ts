import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { SessionEntity } from './session.entity';

/** Row of `session_config`: one key/value setting of one session (`model` is the override). */
@Entity({ name: 'session_config' })
export class SessionConfigEntity {
  @PrimaryColumn({ name: 'session_id', type: 'varchar', length: 36, primaryKeyConstraintName: 'pk_session_config' })
  @ForeignKey(() => SessionEntity, { name: 'fk_session_config_session', onDelete: 'CASCADE' })
  sessionId!: string;

  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'pk_session_config' })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}
