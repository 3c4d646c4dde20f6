import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ATTACHMENT_MEDIA_TYPES, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { formatBytes } from '@switchboard/session/server';

/**
 * Raw file bodies (images, PDFs) for the attachment upload route, read up to the configured
 * per-file limit: a larger declared or streamed body is refused with ATTACHMENT_TOO_LARGE as
 * soon as it is known, without reading the rest. Only the upload route accepts these types (the
 * request gate refuses them elsewhere, 415, before a byte is read). `application/octet-stream`
 * bodies (type unknown to the client) go through the audio parser's limit and are checked the same way.
 */
export function installAttachmentParser(app: NestFastifyApplication, maxFileBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const tooLarge = (size?: number) =>
    new SwitchboardError(ErrorCode.ATTACHMENT_TOO_LARGE, `A file may be at most ${formatBytes(maxFileBytes)}${size ? ` (this one is ${formatBytes(size)})` : ''}.`, {
      limit: 'file',
      maxBytes: maxFileBytes,
      ...(size ? { size } : {}),
    });
  fastify.addContentTypeParser([...ATTACHMENT_MEDIA_TYPES], (req, payload, done) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxFileBytes) return done(tooLarge(declared), undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (err: Error | null, body?: Buffer) => {
      if (finished) return;
      finished = true;
      done(err, body);
    };
    payload.on('data', (chunk: Buffer) => {
      if (finished) return;
      size += chunk.length;
      if (size > maxFileBytes) {
        // Stop reading; the error answer closes the connection.
        payload.pause();
        finish(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => finish(null, Buffer.concat(chunks)));
    payload.on('error', (err) => finish(err));
  });
}
