import { z } from 'zod';
import { messageAttachmentSchema } from './schemas';

/** The file types an install accepts unless its config narrows them (`attachments.types`). */
export const ATTACHMENT_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export const attachmentMediaTypeSchema = z.enum(ATTACHMENT_MEDIA_TYPES);
export type AttachmentMediaType = z.infer<typeof attachmentMediaTypeSchema>;

/** The built-in limits (each configurable under `attachments` in the config file). */
export const ATTACHMENT_DEFAULTS = {
  /** Bytes of one file. */
  maxFileBytes: 10 * 1024 * 1024,
  /** Bytes of every file of one message together. */
  maxMessageBytes: 20 * 1024 * 1024,
  /** Files in one message. */
  maxFiles: 10,
  /** Minutes an upload that no message sent is kept. */
  unsentTtlMinutes: 60,
} as const;

/** Characters of a file name kept (longer names are cut, keeping the extension). */
export const MAX_ATTACHMENT_NAME_CHARS = 200;

/** `pending`: uploaded, not sent yet; `queued`: waiting in the queue with its message; `sent`: part of a stored message. */
export const attachmentStatusSchema = z.enum(['pending', 'queued', 'sent']);
export type AttachmentStatus = z.infer<typeof attachmentStatusSchema>;

/** An attachment of a conversation: metadata only (the bytes are its `content`). */
export const attachmentSchema = messageAttachmentSchema.extend({
  sessionId: z.string(),
  status: attachmentStatusSchema,
  messageId: z.string().nullable().describe('the user message that sent it (null while pending or queued)'),
  createdAt: z.string().describe('ISO 8601 timestamp'),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** `POST /sessions/{id}/attachments?name=`: the file is the raw body, its type the Content-Type. */
export const uploadAttachmentQuerySchema = z
  .object({
    name: z.string().trim().min(1).max(1000).optional().describe('the file name shown in transcripts (default: "image.png", "document.pdf", …)'),
  })
  .strict();
export type UploadAttachmentQuery = z.infer<typeof uploadAttachmentQuerySchema>;
