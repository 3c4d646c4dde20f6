import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { migrationQuery } from '@switchboard/persistence';

const COLUMNS: ReadonlyArray<readonly [table: string, column: string, length: number]> = [
  ['sessions', 'person_id', 36],
  ['sessions', 'group_key', 200],
  ['messages', 'person_id', 36],
  ['queued_messages', 'person_id', 36],
  ['usage_records', 'person_id', 36],
];

/**
 * People in conversations: a session belongs to a person (a private chat, the dashboard) or is a
 * group chat (`group_key`); user messages, queued messages and usage record who caused them.
 * Older rows are filled in: Telegram chats with a negative id are groups (topics share the
 * group's key); a private Telegram chat belongs to its account's person; everything else to the owner.
 */
export class AddPeopleToSessions1796800001000 implements MigrationInterface {
  name = 'AddPeopleToSessions1796800001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE on both dialects: TypeORM's SQLite addColumn rebuilds the table, and
    // rebuilding `sessions` would cascade-delete its children when foreign keys are on.
    for (const [table, column, length] of COLUMNS) await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN "${column}" varchar(${length})`);
    await queryRunner.createIndex('messages', new TableIndex({ name: 'idx_messages_person_created', columnNames: ['person_id', 'created_at'] }));
    await queryRunner.createIndex('usage_records', new TableIndex({ name: 'idx_usage_records_person_created', columnNames: ['person_id', 'created_at'] }));

    const sessions = (await queryRunner.query(`SELECT "id", "channel", "peer_id" FROM "sessions"`)) as Array<{ id: string; channel: string; peer_id: string }>;
    const hasIdentities = await queryRunner.hasTable('person_identities');
    for (const s of sessions) {
      let groupKey: string | null = null;
      let personId: string | null = 'owner';
      if (s.channel === 'telegram') {
        const m = /^(-?\d+)(?::\d+)?$/.exec(s.peer_id);
        if (m && m[1].startsWith('-')) {
          groupKey = m[1];
          personId = null;
        } else if (hasIdentities) {
          const rows = (await migrationQuery(queryRunner, `SELECT "person_id" FROM "person_identities" WHERE "channel" = 'telegram' AND "peer_id" = :peer`, {
            peer: s.peer_id,
          })) as Array<{ person_id: string }>;
          personId = rows[0]?.person_id ?? null;
        } else {
          personId = null;
        }
      }
      await migrationQuery(queryRunner, `UPDATE "sessions" SET "person_id" = :personId, "group_key" = :groupKey WHERE "id" = :id`, { personId, groupKey, id: s.id });
    }
    // Who said what before people existed: the conversation's person (unknown in groups).
    await queryRunner.query(
      `UPDATE "messages" SET "person_id" = (SELECT "person_id" FROM "sessions" WHERE "sessions"."id" = "messages"."session_id") WHERE "role" = 'user'`,
    );
    await queryRunner.query(
      `UPDATE "queued_messages" SET "person_id" = (SELECT "person_id" FROM "sessions" WHERE "sessions"."id" = "queued_messages"."session_id")`,
    );
    await queryRunner.query(
      `UPDATE "usage_records" SET "person_id" = (SELECT "person_id" FROM "sessions" WHERE "sessions"."id" = "usage_records"."session_id") WHERE "session_id" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('usage_records', 'idx_usage_records_person_created');
    await queryRunner.dropIndex('messages', 'idx_messages_person_created');
    for (const [table, column] of [...COLUMNS].reverse()) await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
  }
}
