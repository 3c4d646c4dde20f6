import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Row of `preferences`: an installation-wide setting such as `default_model`. */
@Entity({ name: 'preferences' })
export class PreferenceEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
