import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ErrorCode, ROUTES, SwitchboardError, type Attachment, type UploadAttachmentQuery } from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { Accepts } from '../core/public.decorator';
import { routeQuery } from '../core/route-pipes';

/** `content-disposition` with an ASCII fallback and the UTF-8 name. */
function disposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Attachments of a conversation: upload one file as the raw body (its type from the
 * Content-Type, checked against its bytes), read its metadata or bytes, delete an unsent upload.
 */
@Controller('api/v1/sessions')
export class AttachmentsController {
  constructor(private readonly engine: SessionEngine) {}

  @Post(':id/attachments')
  @Accepts(...ROUTES.uploadAttachment.bodyTypes)
  @HttpCode(201)
  upload(
    @Param('id') id: string,
    @Query(routeQuery('uploadAttachment')) query: UploadAttachmentQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ): Promise<Attachment> {
    if (!Buffer.isBuffer(body)) {
      throw new SwitchboardError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the file as the raw request body with its Content-Type (e.g. image/png or application/pdf).');
    }
    const declared = (contentType ?? '').split(';')[0].trim().toLowerCase() || null;
    return this.engine.attachments.upload(id, { data: body, declaredType: declared, name: query.name ?? null });
  }

  @Get(':id/attachments/:attachmentId')
  get(@Param('id') id: string, @Param('attachmentId') attachmentId: string): Promise<Attachment> {
    return this.engine.attachments.get(id, attachmentId);
  }

  @Get(':id/attachments/:attachmentId/content')
  async content(@Param('id') id: string, @Param('attachmentId') attachmentId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const { attachment, data } = await this.engine.attachments.content(id, attachmentId);
    // Images show inline (previews); anything else downloads. Never sniffed, never run as a page.
    reply
      .header('content-type', attachment.mediaType)
      .header('content-length', String(data.byteLength))
      .header('content-disposition', disposition(attachment.mediaType.startsWith('image/') ? 'inline' : 'attachment', attachment.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, max-age=3600');
    return data;
  }

  @Delete(':id/attachments/:attachmentId')
  remove(@Param('id') id: string, @Param('attachmentId') attachmentId: string): Promise<Attachment> {
    return this.engine.attachments.deletePending(id, attachmentId);
  }
}
