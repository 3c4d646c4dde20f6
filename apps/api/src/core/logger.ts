import pino, { type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';
import { scrubSecretShapes } from '@switchboard/protocol';

/** Field paths whose values never reach a log line. */
export const REDACT_PATHS = [
  'token',
  'apiKey',
  'authorization',
  'password',
  'secret',
  '*.token',
  '*.apiKey',
  '*.authorization',
  '*.password',
  '*.secret',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** Scrubs every top-level string field of a log object (messages, `err`, `url` with a `?token=`). */
function scrubFields(obj: Record<string, unknown>, scrub: (text: string) => string): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(obj)) {
    if (typeof value !== 'string') continue;
    const clean = scrub(value);
    if (clean !== value) (out ??= { ...obj })[key] = clean;
  }
  return out ?? obj;
}

/**
 * The process logger: structured JSON; secret fields redacted by path, and secret values
 * (the shared shapes of libs/protocol plus the known keys and token given in `scrub`) by value.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, scrub: (text: string) => string = scrubSecretShapes): Logger {
  return pino(
    {
      level,
      base: { app: 'switchboard-api' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => {
            if (typeof a === 'string') return scrub(a);
            if (a && typeof a === 'object' && !(a instanceof Error)) return scrubFields(a as Record<string, unknown>, scrub);
            return a;
          });
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** Routes NestJS's own log lines into pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
