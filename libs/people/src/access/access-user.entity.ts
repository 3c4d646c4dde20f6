import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Channel } from '@switchboard/protocol';

/** Row of `access_users`: a user let in on a channel, by pairing code or by an admin. */
@Entity({ name: 'access_users' })
export class AccessUserEntity {
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'pk_access_users' })
  channel!: Channel;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_access_users' })
  userId!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  username!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  via!: 'pairing' | 'admin';

  @Column({ name: 'approved_at', type: 'varchar', length: 30 })
  approvedAt!: string;
}
