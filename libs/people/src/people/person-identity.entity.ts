import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Channel } from '@switchboard/protocol';

/** Row of `person_identities`: an account (channel + peer id) and the person it belongs to. */
@Entity({ name: 'person_identities' })
@Index('idx_person_identities_person', ['personId'])
export class PersonIdentityEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  channel!: Channel;

  @PrimaryColumn({ name: 'peer_id', type: 'varchar', length: 200 })
  peerId!: string;

  @Column({ name: 'person_id', type: 'varchar', length: 36 })
  personId!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ name: 'linked_at', type: 'varchar', length: 30 })
  linkedAt!: string;
}
