import { randomUUID } from 'node:crypto';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns, migrationQuery } from '@switchboard/persistence';

const { str, text, timestamp } = columns;

/**
 * People and their accounts. The owner exists from here on (id `owner`); every approved
 * Telegram user, and every Telegram private chat an older release served (allowlisted users
 * never had an approval row), becomes a member with that account.
 */
export class AddPeople1796800000000 implements MigrationInterface {
  name = 'AddPeople1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'people',
        columns: [{ ...str('id', 36), isPrimary: true }, str('display_name', 200), str('role', 16), text('limits', true), timestamp('created_at'), timestamp('updated_at')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'person_identities',
        columns: [
          { ...str('channel', 16), isPrimary: true },
          { ...str('peer_id', 200), isPrimary: true },
          str('person_id', 36),
          str('display_name', 200, true),
          timestamp('linked_at'),
        ],
        foreignKeys: [
          { name: 'fk_person_identities_person', columnNames: ['person_id'], referencedTableName: 'people', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await queryRunner.createIndex('person_identities', new TableIndex({ name: 'idx_person_identities_person', columnNames: ['person_id'] }));

    const now = new Date().toISOString();
    await migrationQuery(queryRunner, `INSERT INTO "people" ("id", "display_name", "role", "limits", "created_at", "updated_at") VALUES ('owner', 'Owner', 'owner', NULL, :now, :now)`, { now });
    const accounts = new Map<string, { peerId: string; name: string | null; since: string }>();
    const users = (await queryRunner.query(`SELECT "user_id", "username", "display_name", "approved_at" FROM "access_users" WHERE "channel" = 'telegram'`)) as Array<{
      user_id: string;
      username: string | null;
      display_name: string | null;
      approved_at: string;
    }>;
    for (const u of users) accounts.set(u.user_id, { peerId: u.user_id, name: u.display_name ?? (u.username ? `@${u.username}` : null), since: u.approved_at });
    if (await queryRunner.hasTable('sessions')) {
      const chats = (await queryRunner.query(`SELECT "peer_id", "created_at" FROM "sessions" WHERE "channel" = 'telegram'`)) as Array<{ peer_id: string; created_at: string }>;
      // A private chat's id is the user's id (positive); groups are negative, topics `chat:topic`.
      for (const c of chats) if (/^[1-9]\d{0,19}$/.test(c.peer_id) && !accounts.has(c.peer_id)) accounts.set(c.peer_id, { peerId: c.peer_id, name: null, since: c.created_at });
    }
    for (const a of accounts.values()) {
      const id = randomPersonId();
      await migrationQuery(
        queryRunner,
        `INSERT INTO "people" ("id", "display_name", "role", "limits", "created_at", "updated_at") VALUES (:id, :name, 'member', NULL, :since, :since)`,
        { id, name: a.name ?? `Telegram ${a.peerId}`, since: a.since },
      );
      await migrationQuery(
        queryRunner,
        `INSERT INTO "person_identities" ("channel", "peer_id", "person_id", "display_name", "linked_at") VALUES ('telegram', :peerId, :id, :name, :since)`,
        { peerId: a.peerId, id, name: a.name, since: a.since },
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('person_identities');
    await queryRunner.dropTable('people');
  }
}

function randomPersonId(): string {
  return randomUUID();
}
