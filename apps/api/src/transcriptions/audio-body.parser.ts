import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TRANSCRIPTION_LIMITS } from '@switchboard/protocol';

/**
 * Raw audio bodies (`audio/*`, `application/octet-stream`) for the transcription route, with
 * their own size limit; everything else stays JSON-only.
 */
export function installAudioParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const options = { parseAs: 'buffer' as const, bodyLimit: TRANSCRIPTION_LIMITS.maxAudioBytes };
  for (const type of [/^audio\/[\w.+-]+/i, 'application/octet-stream']) {
    fastify.addContentTypeParser(type, options, (_req, body, done) => done(null, body));
  }
}
