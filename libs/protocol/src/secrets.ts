/**
 * The one list of secret shapes: memory's gate refuses them, the API's logs, stored errors and
 * error responses scrub them. Extend it here and every place follows.
 */
export type SecretShapeKind =
  | 'private_key'
  | 'api_key'
  | 'aws_access_key'
  | 'github_token'
  | 'slack_token'
  | 'google_api_key'
  | 'stripe_key'
  | 'telegram_bot_token'
  | 'jwt'
  | 'bearer_token'
  | 'connection_string'
  | 'url_token';

export interface SecretShape {
  kind: SecretShapeKind;
  /** Global, so a scrubber can replace every hit. */
  re: RegExp;
}

// Ordered from the most specific.
export const SECRET_SHAPES: readonly SecretShape[] = [
  { kind: 'private_key', re: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'stripe_key', re: /\b[spr]k_(?:live|test)_[A-Za-z0-9]{12,}\b/g },
  { kind: 'api_key', re: /\b(?:sk|sb|pk|rk)[-_](?:ant-|proj-|live-|test-|or-v1-)?[A-Za-z0-9_-]{12,}/g },
  { kind: 'aws_access_key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g },
  { kind: 'github_token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g },
  { kind: 'slack_token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'google_api_key', re: /\bAIza[0-9A-Za-z_-]{30,}/g },
  { kind: 'telegram_bot_token', re: /\b\d{6,12}:[A-Za-z0-9_-]{30,}\b/g },
  // The same inside a Bot API URL (`/bot<token>/…`), where no word boundary comes before it.
  { kind: 'telegram_bot_token', re: /(?<=\/bot)\d{3,12}:[^/\s]+/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'bearer_token', re: /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi },
  { kind: 'connection_string', re: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/]+:[^\s@/]+@[^\s]+/gi },
  // A token in a query string (`/ws?token=…`, `?api_key=…`): keep the name, drop the value.
  { kind: 'url_token', re: /(?<=[?&](?:token|access_token|api_key|apikey|key)=)[^&\s#"']+/gi },
];

export const REDACTED = '[REDACTED]';

/** Builds a scrubber: every secret shape and every known secret value (configured keys, the API token) becomes `[REDACTED]`. */
export function secretScrubber(knownValues: Iterable<string | null | undefined> = []): (text: string) => string {
  // Short values would scrub ordinary words; configured keys and tokens are long.
  const values = [...new Set([...knownValues].filter((v): v is string => typeof v === 'string' && v.length >= 8))].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    for (const { re } of SECRET_SHAPES) {
      re.lastIndex = 0;
      if (re.test(out)) out = out.replace(re, REDACTED);
    }
    return out;
  };
}

/** Scrubs secret shapes from a text (no known values). */
export const scrubSecretShapes = secretScrubber();
