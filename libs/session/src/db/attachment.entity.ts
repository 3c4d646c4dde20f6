import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { AttachmentStatus } from '@switchboard/protocol';
import { MessageEntity } from './message.entity';
import { SessionEntity } from './session.entity';

/**
 * Row of `attachments`: a file's metadata. Its bytes are in `attachment_blobs` (raw SQL: a
 * `blob` on SQLite, `bytea` on PostgreSQL, a type no entity column can name on both), so listing
 * attachments never reads them. Deleted with its conversation, and with the message that sent it.
 */
@Entity({ name: 'attachments' })
@Index('idx_attachments_session', ['sessionId'])
@Index('idx_attachments_message', ['messageId'])
@Index('idx_attachments_status_created', ['status', 'createdAt'])
export class AttachmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 36 })
  @ForeignKey(() => SessionEntity, { name: 'fk_attachments_session', onDelete: 'CASCADE' })
  sessionId!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 36, nullable: true })
  @ForeignKey(() => MessageEntity, { name: 'fk_attachments_message', onDelete: 'CASCADE' })
  messageId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: AttachmentStatus;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'media_type', type: 'varchar', length: 100 })
  mediaType!: string;

  @Column({ type: 'integer' })
  size!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
