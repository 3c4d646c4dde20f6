import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TRANSCRIPTION_LIMITS } from '@switchboard/protocol';

/**
 * Raw audio bodies (`audio/*`, `application/octet-stream`) with their own size limit. Only the
 * routes marked `@Accepts(...)` take them: the request gate refuses them elsewhere (415) before
 * a byte is read.
 */
export function installAudioParser(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const options = { parseAs: 'buffer' as const, bodyLimit: TRANSCRIPTION_LIMITS.maxAudioBytes };
  for (const type of [/^audio\/[\w.+-]+/i, 'application/octet-stream']) {
    fastify.addContentTypeParser(type, options, (_req, body, done) => done(null, body));
  }
}
