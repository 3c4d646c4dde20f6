import type { DataSource, EntityManager } from 'typeorm';
import type { MemorySettings } from '@switchboard/protocol';
import { MemorySettingEntity } from '../db/memory-setting.entity';
import type { TransactionRunner } from '@switchboard/persistence';

/** Memory is on and announces what it saves until the owner says otherwise. */
export const DEFAULT_MEMORY_SETTINGS: MemorySettings = { enabled: true, silent: false };

/** The installation-wide memory settings (`memory.enabled`, `memory.silent`), persisted as key/value rows. */
export class MemorySettingsStore {
  private readonly manager: EntityManager;

  constructor(
    ds: DataSource,
    private readonly runner: TransactionRunner,
  ) {
    this.manager = ds.manager;
  }

  async get(): Promise<MemorySettings> {
    const rows = await this.manager.getRepository(MemorySettingEntity).find();
    const settings: MemorySettings = { ...DEFAULT_MEMORY_SETTINGS };
    for (const row of rows) {
      if (row.key !== 'enabled' && row.key !== 'silent') continue;
      try {
        const value: unknown = JSON.parse(row.value);
        if (typeof value === 'boolean') settings[row.key] = value;
      } catch {
        // An unreadable value keeps the default.
      }
    }
    return settings;
  }

  /** Saves the given settings (the others keep their value) and returns them all. */
  async update(patch: Partial<MemorySettings>): Promise<MemorySettings> {
    const updatedAt = new Date().toISOString();
    await this.runner.run(async (m) => {
      for (const key of ['enabled', 'silent'] as const) {
        const value = patch[key];
        if (value === undefined) continue;
        await m.getRepository(MemorySettingEntity).upsert({ key, value: JSON.stringify(value), updatedAt }, ['key']);
      }
    });
    return this.get();
  }
}
