import pino, { type Logger } from 'pino';
import { secretScrubber } from '@switchboard/protocol';

/** Field paths whose values never reach a log line. */
const REDACT_PATHS = ['token', 'botToken', 'apiToken', 'authorization', 'secret', '*.token', '*.botToken', '*.apiToken', '*.authorization', '*.secret'];

/** Removes secrets from free text: the exact ones given, and the shared secret shapes (libs/protocol). */
export function makeScrubber(secrets: readonly string[]): (text: string) => string {
  return secretScrubber(secrets);
}

/** A short, secret-free description of any thrown value. */
export function describeError(err: unknown, scrub: (text: string) => string): string {
  if (err instanceof Error) {
    const cause = (err as { error?: unknown; cause?: unknown }).error ?? err.cause;
    const inner = cause instanceof Error ? `: ${cause.message}` : '';
    return scrub(`${err.name}: ${err.message}${inner}`);
  }
  return scrub(String(err));
}

/** The bot's logger: structured JSON, secrets redacted by path and scrubbed from every string. */
export function createLogger(level: string, secrets: readonly string[], destination?: pino.DestinationStream): Logger {
  const scrub = makeScrubber(secrets);
  const scrubValue = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (v instanceof Error) return scrub(v.stack ?? v.message);
    return v;
  };
  return pino(
    {
      level,
      base: { app: 'switchboard-telegram' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => {
            if (typeof a === 'string') return scrub(a);
            if (a && typeof a === 'object' && !(a instanceof Error)) {
              return Object.fromEntries(Object.entries(a as Record<string, unknown>).map(([k, v]) => [k, scrubValue(v)]));
            }
            return scrubValue(a);
          });
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
