import pino, { type Logger } from 'pino';

/** Field paths whose values never reach a log line. */
const REDACT_PATHS = ['token', 'botToken', 'apiToken', 'authorization', 'secret', '*.token', '*.botToken', '*.apiToken', '*.authorization', '*.secret'];

// Token-shaped text (bot tokens, bearer tokens) that error messages can carry, e.g. a Bot API URL.
const SECRET_PATTERNS = [/\b\d{3,}:[A-Za-z0-9_-]{20,}\b/g, /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, /\/bot\d+:[^/\s]+/g];

/** Removes secrets from free text: the exact ones given, and anything shaped like a token. */
export function makeScrubber(secrets: readonly string[]): (text: string) => string {
  const exact = secrets.filter((s) => s.length >= 6);
  return (text) => {
    let out = text;
    for (const s of exact) out = out.split(s).join('[REDACTED]');
    for (const p of SECRET_PATTERNS) out = out.replace(p, (m) => (m.startsWith('/bot') ? '/bot[REDACTED]' : '[REDACTED]'));
    return out;
  };
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
