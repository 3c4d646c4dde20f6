import type { EntityManager } from 'typeorm';
import { OWNER_PERSON_ID, type Channel, type Identity, type PersonLimits, type PersonRole } from '@switchboard/protocol';
import { chunks, newId, nowIso, parseJson, runWrite, selectRows } from '@switchboard/persistence';

/** A person as stored: the limits are only what is set for them. */
export interface PersonRecord {
  id: string;
  displayName: string;
  role: PersonRole;
  limitOverrides: Partial<PersonLimits>;
  identities: Identity[];
  createdAt: string;
  updatedAt: string;
}

interface PersonRow {
  id: string;
  display_name: string;
  role: PersonRole;
  limits: string | null;
  created_at: string;
  updated_at: string;
}

interface IdentityRow {
  channel: Channel;
  peer_id: string;
  person_id: string;
  display_name: string | null;
  linked_at: string;
}

const PERSON_COLUMNS = `"id", "display_name", "role", "limits", "created_at", "updated_at"`;

/** People and their accounts (tables `people`, `person_identities`). */
export class PeopleStore {
  constructor(private readonly manager: EntityManager) {}

  /** Everyone: the owner first, then by name. */
  async list(): Promise<PersonRecord[]> {
    const rows = await selectRows<PersonRow>(this.manager, `SELECT ${PERSON_COLUMNS} FROM "people" ORDER BY CASE WHEN "id" = :owner THEN 0 ELSE 1 END, "display_name", "created_at"`, {
      owner: OWNER_PERSON_ID,
    });
    return this.withIdentities(rows);
  }

  async get(id: string): Promise<PersonRecord | null> {
    const rows = await selectRows<PersonRow>(this.manager, `SELECT ${PERSON_COLUMNS} FROM "people" WHERE "id" = :id`, { id });
    return (await this.withIdentities(rows))[0] ?? null;
  }

  async getMany(ids: readonly string[]): Promise<PersonRecord[]> {
    const out: PersonRow[] = [];
    for (const part of chunks([...new Set(ids)])) {
      if (part.length === 0) continue;
      out.push(...(await selectRows<PersonRow>(this.manager, `SELECT ${PERSON_COLUMNS} FROM "people" WHERE "id" IN (:...ids)`, { ids: part })));
    }
    return this.withIdentities(out);
  }

  /** The person an account belongs to, or null. */
  async findByIdentity(channel: Channel, peerId: string): Promise<PersonRecord | null> {
    const rows = await selectRows<{ person_id: string }>(this.manager, `SELECT "person_id" FROM "person_identities" WHERE "channel" = :channel AND "peer_id" = :peerId`, {
      channel,
      peerId,
    });
    return rows[0] ? this.get(rows[0].person_id) : null;
  }

  /** Creates a person (the owner row with its fixed id when `id` is given). */
  async create(input: { id?: string; displayName: string; role: PersonRole }, now = nowIso()): Promise<PersonRecord> {
    const id = input.id ?? newId();
    await runWrite(this.manager, (m) =>
      selectRows(m, `INSERT INTO "people" (${PERSON_COLUMNS}) VALUES (:id, :name, :role, NULL, :now, :now)`, { id, name: input.displayName, role: input.role, now }),
    );
    return { id, displayName: input.displayName, role: input.role, limitOverrides: {}, identities: [], createdAt: now, updatedAt: now };
  }

  async update(id: string, patch: { displayName?: string; role?: PersonRole; limitOverrides?: Partial<PersonLimits> }): Promise<void> {
    const sets: string[] = [`"updated_at" = :now`];
    const params: Record<string, unknown> = { id, now: nowIso() };
    if (patch.displayName !== undefined) {
      sets.push(`"display_name" = :name`);
      params.name = patch.displayName;
    }
    if (patch.role !== undefined) {
      sets.push(`"role" = :role`);
      params.role = patch.role;
    }
    if (patch.limitOverrides !== undefined) {
      sets.push(`"limits" = :limits`);
      params.limits = Object.keys(patch.limitOverrides).length ? JSON.stringify(patch.limitOverrides) : null;
    }
    await runWrite(this.manager, (m) => selectRows(m, `UPDATE "people" SET ${sets.join(', ')} WHERE "id" = :id`, params));
  }

  async remove(id: string): Promise<void> {
    await runWrite(this.manager, (m) => selectRows(m, `DELETE FROM "people" WHERE "id" = :id`, { id }));
  }

  /** Links an account to a person, moving it from whoever had it. */
  async link(personId: string, identity: { channel: Channel; peerId: string; displayName?: string | null }): Promise<void> {
    // One upsert: two links of one account at once (two replicas) end with one row, never a key clash.
    await runWrite(this.manager, (m) =>
      selectRows(
        m,
        `INSERT INTO "person_identities" ("channel", "peer_id", "person_id", "display_name", "linked_at") VALUES (:channel, :peerId, :personId, :name, :now)
         ON CONFLICT ("channel", "peer_id") DO UPDATE SET "person_id" = excluded."person_id", "display_name" = excluded."display_name", "linked_at" = excluded."linked_at"`,
        { channel: identity.channel, peerId: identity.peerId, personId, name: identity.displayName ?? null, now: nowIso() },
      ),
    );
  }

  /** Unlinks an account from a person; false when it was not theirs. */
  async unlink(personId: string, channel: Channel, peerId: string): Promise<boolean> {
    const rows = await runWrite(this.manager, (m) =>
      selectRows<{ peer_id: string }>(
        m,
        `DELETE FROM "person_identities" WHERE "channel" = :channel AND "peer_id" = :peerId AND "person_id" = :personId RETURNING "peer_id"`,
        { channel, peerId, personId },
      ),
    );
    return rows.length > 0;
  }

  private async withIdentities(rows: PersonRow[]): Promise<PersonRecord[]> {
    if (rows.length === 0) return [];
    const identities: IdentityRow[] = [];
    for (const part of chunks(rows.map((r) => r.id))) {
      identities.push(
        ...(await selectRows<IdentityRow>(
          this.manager,
          `SELECT "channel", "peer_id", "person_id", "display_name", "linked_at" FROM "person_identities" WHERE "person_id" IN (:...ids) ORDER BY "linked_at", "channel", "peer_id"`,
          { ids: part },
        )),
      );
    }
    const byPerson = new Map<string, Identity[]>();
    for (const i of identities) {
      const list = byPerson.get(i.person_id) ?? [];
      list.push({ channel: i.channel, peerId: i.peer_id, displayName: i.display_name, linkedAt: i.linked_at });
      byPerson.set(i.person_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      role: r.role,
      limitOverrides: parseJson<Partial<PersonLimits>>(r.limits, {}),
      identities: byPerson.get(r.id) ?? [],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }
}
