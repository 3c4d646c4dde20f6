import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `memory_settings`: an installation-wide memory setting (`enabled`, `silent`) as JSON. */
@Entity({ name: 'memory_settings' })
export class MemorySettingEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
