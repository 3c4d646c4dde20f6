import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ATTACHMENT_MEDIA_TYPES, ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { formatBytes, limitAndSize } from '@switchboard/session/server';

/** Bytes of a refused body read and dropped so its refusal arrives; past them the connection is just closed. */
const REFUSED_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Raw file bodies (images, PDFs) for the attachment upload route, read up to the configured
 * per-file limit: a larger declared or streamed body is refused with ATTACHMENT_TOO_LARGE, nothing
 * of it kept. The rest of such a body is read and dropped before the answer (up to
 * `REFUSED_DRAIN_BYTES`): answering at once closes the connection with bytes unread, the peer's
 * kernel then resets it, and a client still sending (Node's http client, the dashboard's proxy)
 * gets EPIPE/ECONNRESET instead of the 413. Only the upload route accepts these types (the
 * request gate refuses them elsewhere, 415, before a byte is read). `application/octet-stream`
 * bodies (type unknown to the client) go through the audio parser's limit and are checked the same way.
 */
export function installAttachmentParser(app: NestFastifyApplication, maxFileBytes: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const tooLarge = (size?: number) => {
    const [max, actual] = size ? limitAndSize(maxFileBytes, size) : [formatBytes(maxFileBytes), null];
    return new SwitchboardError(ErrorCode.ATTACHMENT_TOO_LARGE, `A file may be at most ${max}${actual ? ` (this one is ${actual})` : ''}.`, {
      limit: 'file',
      maxBytes: maxFileBytes,
      ...(size ? { size } : {}),
    });
  };
  fastify.addContentTypeParser([...ATTACHMENT_MEDIA_TYPES], (req, payload, done) => {
    const declared = Number(req.headers['content-length']);
    let size = 0;
    let finished = false;
    // Refuses once the body is read to its end (dropped as it comes), or at once past the drain limit.
    const refuse = (err: SwitchboardError) => {
      finished = true;
      let answered = false;
      const answer = () => {
        if (answered) return;
        answered = true;
        done(err, undefined);
      };
      payload.removeAllListeners('data');
      payload.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxFileBytes + REFUSED_DRAIN_BYTES) {
          payload.pause();
          answer();
        }
      });
      payload.once('end', answer);
      payload.once('error', answer);
      payload.resume();
    };
    if (Number.isFinite(declared) && declared > maxFileBytes) {
      if (declared > maxFileBytes + REFUSED_DRAIN_BYTES) return done(tooLarge(declared), undefined);
      return refuse(tooLarge(declared));
    }
    const chunks: Buffer[] = [];
    const finish = (err: Error | null, body?: Buffer) => {
      if (finished) return;
      finished = true;
      done(err, body);
    };
    payload.on('data', (chunk: Buffer) => {
      if (finished) return;
      size += chunk.length;
      if (size > maxFileBytes) {
        refuse(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    payload.on('end', () => finish(null, Buffer.concat(chunks)));
    payload.on('error', (err) => finish(err));
  });
}
