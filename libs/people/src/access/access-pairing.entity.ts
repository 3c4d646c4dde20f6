import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { Channel } from '@switchboard/protocol';

/** Row of `access_pairings`: a user's request to be let in, with its one-time code and expiry. */
@Entity({ name: 'access_pairings' })
@Unique('uq_access_pairings_channel_user', ['channel', 'userId'])
@Unique('uq_access_pairings_channel_code', ['channel', 'code'])
export class AccessPairingEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: Channel;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  code!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  username!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  /** `pending` until approved; an approved code is spent and never matches again. */
  @Column({ type: 'varchar', length: 16 })
  status!: 'pending' | 'approved';

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;

  @Column({ name: 'resolved_at', type: 'varchar', length: 30, nullable: true })
  resolvedAt!: string | null;
}
