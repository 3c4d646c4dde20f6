import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { columns } from '@switchboard/persistence';
import { SQLITE_DRIVERS } from '../message-search-fts';
import { sessionFk } from './session-fk';

const { id, int, str, timestamp } = columns;

/**
 * Attachments (images, PDFs) sent with messages: `attachments` (metadata, deleted with the
 * session and with the message that sent it) and `attachment_blobs` (the bytes, deleted with
 * their attachment), both in the database on SQLite and PostgreSQL alike, so replicas share them
 * and deletion follows messages. Messages and queued messages list theirs (`attachments`, JSON).
 */
export class AddAttachments1797700000000 implements MigrationInterface {
  name = 'AddAttachments1797700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = SQLITE_DRIVERS.has(queryRunner.connection.options.type);
    await queryRunner.createTable(
      new Table({
        name: 'attachments',
        columns: [
          { ...id(), primaryKeyConstraintName: 'pk_attachments' },
          str('session_id', 36),
          str('message_id', 36, true),
          str('status', 16),
          str('name', 200),
          str('media_type', 100),
          int('size'),
          timestamp('created_at'),
        ],
        indices: [
          { name: 'idx_attachments_session', columnNames: ['session_id'] },
          { name: 'idx_attachments_message', columnNames: ['message_id'] },
          { name: 'idx_attachments_status_created', columnNames: ['status', 'created_at'] },
        ],
        foreignKeys: [
          sessionFk('attachments'),
          { name: 'fk_attachments_message', columnNames: ['message_id'], referencedTableName: 'messages', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'attachment_blobs',
        columns: [
          { ...str('attachment_id', 36), isPrimary: true, primaryKeyConstraintName: 'pk_attachment_blobs' },
          { name: 'data', type: sqlite ? 'blob' : 'bytea', isNullable: false },
        ],
        foreignKeys: [
          { name: 'fk_attachment_blobs_attachment', columnNames: ['attachment_id'], referencedTableName: 'attachments', referencedColumnNames: ['id'], onDelete: 'CASCADE' },
        ],
      }),
    );
    // Plain ALTER TABLE: TypeORM's SQLite addColumn rebuilds the table (and would cascade-delete children).
    await queryRunner.query(`ALTER TABLE "messages" ADD COLUMN "attachments" text NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "queued_messages" ADD COLUMN "attachments" text NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "queued_messages" DROP COLUMN "attachments"`);
    await queryRunner.query(`ALTER TABLE "messages" DROP COLUMN "attachments"`);
    await queryRunner.dropTable('attachment_blobs', true);
    await queryRunner.dropTable('attachments', true);
  }
}
