import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonRole } from '@switchboard/protocol';

/** Row of `people`: someone the assistant serves. Never handed to callers. */
@Entity({ name: 'people' })
export class PersonEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: PersonRole;

  /** JSON of the limits set for this person (absent keys follow the role default). */
  @Column({ type: 'text', nullable: true })
  limits!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
