import pino, { type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';

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

/** Secret-looking substrings scrubbed from free text (error messages can echo keys). */
const SECRET_PATTERNS = [/\b(sk|sb|pk|rk)[-_][A-Za-z0-9_-]{12,}\b/g, /\b\d{6,}:[A-Za-z0-9_-]{30,}\b/g, /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/gi];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const p of SECRET_PATTERNS) out = out.replace(p, '[REDACTED]');
  return out;
}

/** The process logger: structured JSON, secrets redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'switchboard-api' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          // Scrub the message and any error text passed as a field.
          const scrubbed = args.map((a) => {
            if (typeof a === 'string') return scrubSecrets(a);
            if (a && typeof a === 'object' && typeof (a as { err?: unknown }).err === 'string') {
              return { ...(a as object), err: scrubSecrets((a as { err: string }).err) };
            }
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
