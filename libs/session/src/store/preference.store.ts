import type { EntityManager } from 'typeorm';
import { PreferenceEntity } from '../db/preference.entity';
import { runWrite, selectRows, nowIso } from '@switchboard/persistence';

/** The key of the persisted global default model. */
export const DEFAULT_MODEL_PREFERENCE = 'default_model';

/** Installation-wide settings (the global default model, ...). */
export class PreferenceStore {
  constructor(private readonly manager: EntityManager) {}

  /** The value, or null. */
  async get(key: string): Promise<string | null> {
    const rows = await selectRows<{ value: string }>(this.manager, `SELECT "value" FROM "preferences" WHERE "key" = :key`, { key });
    return rows[0]?.value ?? null;
  }

  /** Sets (inserts or replaces) a preference. */
  async set(key: string, value: string): Promise<void> {
    await runWrite(this.manager, (m) =>
      m
        .createQueryBuilder()
        .insert()
        .into(PreferenceEntity)
        .values({ key, value, updatedAt: nowIso() })
        .orUpdate(['value', 'updated_at'], ['key'])
        .execute(),
    );
  }

  /**
   * Writes `value` only if the preference still holds `expected` (null: only if it is absent),
   * in one statement, so two writers never both win; true when it was written.
   */
  async compareAndSet(key: string, expected: string | null, value: string): Promise<boolean> {
    const params = { key, expected, value, at: nowIso() };
    const rows = await runWrite(this.manager, (m) =>
      expected === null
        ? selectRows<{ key: string }>(
            m,
            `INSERT INTO "preferences" ("key", "value", "updated_at") VALUES (:key, :value, :at) ON CONFLICT ("key") DO NOTHING RETURNING "key"`,
            params,
          )
        : selectRows<{ key: string }>(
            m,
            `UPDATE "preferences" SET "value" = :value, "updated_at" = :at WHERE "key" = :key AND "value" = :expected RETURNING "key"`,
            params,
          ),
    );
    return rows.length === 1;
  }

  /** Removes a preference; true if it existed. */
  async delete(key: string): Promise<boolean> {
    const result = await runWrite(this.manager, (m) =>
      m.createQueryBuilder().delete().from(PreferenceEntity).where('"key" = :key', { key }).execute(),
    );
    return Boolean(result.affected);
  }

  /** Removes every preference whose key starts with `prefix`; how many went. */
  async deleteByPrefix(prefix: string): Promise<number> {
    const result = await runWrite(this.manager, (m) =>
      m.createQueryBuilder().delete().from(PreferenceEntity).where('substr("key", 1, :length) = :prefix', { prefix, length: prefix.length }).execute(),
    );
    return result.affected ?? 0;
  }

  /** Every preference. */
  async all(): Promise<Record<string, string>> {
    const rows = await selectRows<{ key: string; value: string }>(this.manager, `SELECT "key", "value" FROM "preferences" ORDER BY "key"`);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}
