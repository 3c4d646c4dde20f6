import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** OWNER_PERSON_ID of libs/protocol, written out: a migration must not change when the code does. */
const OWNER = 'owner';

const DOC_SCOPE_BEFORE = new TableIndex({ name: 'idx_memories_doc_scope', columnNames: ['doc_id', 'superseded_by', 'scope', 'project_id'] });
const DOC_SCOPE_AFTER = new TableIndex({
  name: 'idx_memories_doc_scope',
  columnNames: ['doc_id', 'superseded_by', 'scope', 'project_id', 'person_id', 'group_id'],
});
const PERSON_RECENT = new TableIndex({ name: 'idx_memories_person_recent', columnNames: ['scope', 'person_id', 'updated_at'] });
const GROUP_RECENT = new TableIndex({ name: 'idx_memories_group_recent', columnNames: ['scope', 'group_id', 'updated_at'] });

/**
 * Memories get an owner: `person` memories carry `person_id`, `group` memories `group_id`.
 *
 * Existing `global` memories were shared with everyone by accident, not by choice, so they move:
 * - extracted in a private chat of a person's account (a Telegram private chat's peer id is the
 *   user id, an identity in `person_identities`) → that person's `person` scope;
 * - from a group chat (`sessions.group_key` set) → that group's `group` scope (`channel:groupKey`);
 * - everything else (the dashboard, the API, the CLI, unknown chats) → the owner's `person` scope.
 * Project memories stay project memories. Without the people tables (libs/memory's own tests),
 * every global memory becomes the owner's. `down` makes person and group memories global again.
 */
export class AddMemoryOwners1796800002000 implements MigrationInterface {
  name = 'AddMemoryOwners1796800002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('memories', new TableColumn({ name: 'person_id', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.addColumn('memories', new TableColumn({ name: 'group_id', type: 'varchar', length: '250', isNullable: true }));
    await queryRunner.dropIndex('memories', DOC_SCOPE_BEFORE.name!);
    await queryRunner.createIndex('memories', DOC_SCOPE_AFTER);
    await queryRunner.createIndex('memories', PERSON_RECENT);
    await queryRunner.createIndex('memories', GROUP_RECENT);

    if (await this.hasPeople(queryRunner)) {
      // Where a memory came from: its source conversation, or (a memory stated without one, then
      // merged) the first conversation its history names.
      const source = `COALESCE("memories"."source_session_id", (SELECT h."session_id" FROM "memory_history" h
        WHERE h."memory_id" = "memories"."id" AND h."session_id" IS NOT NULL ORDER BY h."created_at" LIMIT 1))`;
      // The person whose account a private chat is (its peer id, or its peer id before a topic suffix).
      const chatPerson = `(SELECT pi."person_id" FROM "sessions" s JOIN "person_identities" pi
        ON pi."channel" = s."channel" AND (pi."peer_id" = s."peer_id" OR s."peer_id" LIKE (pi."peer_id" || ':%'))
        WHERE s."id" = ${source} AND s."group_key" IS NULL ORDER BY pi."peer_id" LIMIT 1)`;
      const chatGroup = `(SELECT s."channel" || ':' || s."group_key" FROM "sessions" s WHERE s."id" = ${source} AND s."group_key" IS NOT NULL)`;
      await queryRunner.query(`UPDATE "memories" SET "scope" = 'person', "person_id" = ${chatPerson} WHERE "scope" = 'global' AND ${chatPerson} IS NOT NULL`);
      await queryRunner.query(`UPDATE "memories" SET "scope" = 'group', "group_id" = ${chatGroup} WHERE "scope" = 'global' AND ${chatGroup} IS NOT NULL`);
    }
    await queryRunner.query(`UPDATE "memories" SET "scope" = 'person', "person_id" = '${OWNER}' WHERE "scope" = 'global'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "memories" SET "scope" = 'global', "person_id" = NULL, "group_id" = NULL WHERE "scope" IN ('person', 'group')`);
    await queryRunner.dropIndex('memories', GROUP_RECENT.name!);
    await queryRunner.dropIndex('memories', PERSON_RECENT.name!);
    await queryRunner.dropIndex('memories', DOC_SCOPE_AFTER.name!);
    await queryRunner.dropColumn('memories', 'group_id');
    await queryRunner.dropColumn('memories', 'person_id');
    await queryRunner.createIndex('memories', DOC_SCOPE_BEFORE);
  }

  /** Whether the people tables and the session group column (the people migrations) are there. */
  private async hasPeople(queryRunner: QueryRunner): Promise<boolean> {
    if (!(await queryRunner.hasTable('sessions')) || !(await queryRunner.hasTable('person_identities'))) return false;
    return queryRunner.hasColumn('sessions', 'group_key');
  }
}
