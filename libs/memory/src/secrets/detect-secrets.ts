import { SECRET_SHAPES, type SecretShapeKind } from '@switchboard/protocol';

/** Kinds of secret the gate recognises; only the kind is ever logged, never the value. */
export type SecretKind = SecretShapeKind | 'password' | 'card_number' | 'high_entropy_token';

// "password: x", "my password is x", "pin = 1234", "api key is abc123": a credential stated with its value.
const CREDENTIAL_WORDS = String.raw`(?:pass(?:word|wd|phrase|code)?|pwd|pin(?:\s*code)?|secret(?:\s*key)?|api[\s_-]*key|access[\s_-]*key|auth[\s_-]*token|access[\s_-]*token|private[\s_-]*key|token|credentials?)`;
const CREDENTIAL_STATEMENT = new RegExp(String.raw`\b${CREDENTIAL_WORDS}\b(?:\s+(?:for|to|of|on|at)(?:\s+[\w.@'-]+){1,3}?)?\s*(?::|=|\bis\b|\bwas\b|\bare\b|\bset\s+to\b)\s*["'\`]?([^\s"'\`,;]+)`, 'gi');
// Words after "password is" that describe it rather than give it ("stored in 1Password").
const NOT_A_VALUE = new Set(
  'stored saved kept managed in at on the a an my our your his her their not never set required needed optional rotated expired changed reset same different strong weak long short secure unknown missing empty there here handled generated random'.split(
    ' ',
  ),
);

const CARD_CANDIDATE = /\b(?:\d[ -]?){12,18}\d\b/g;
const TOKEN_CANDIDATE = /[A-Za-z0-9_+=-]{24,}/g;

/** Luhn checksum of a digit string (card numbers). */
export function luhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// A long run of mixed-case letters and digits with high entropy looks like a generated key.
function looksGenerated(token: string): boolean {
  const hasLower = /[a-z]/.test(token);
  const hasUpper = /[A-Z]/.test(token);
  const hasDigit = /\d/.test(token);
  const classes = Number(hasLower) + Number(hasUpper) + Number(hasDigit);
  if (classes < 2 || !hasDigit) return false;
  if (/^[0-9a-f-]+$/.test(token) && token.length <= 40) return false; // UUIDs, git SHAs
  const entropy = shannonEntropy(token);
  return classes === 3 ? entropy >= 3.6 : token.length >= 32 && entropy >= 4.2;
}

interface SecretHit {
  kind: SecretKind;
  start: number;
  end: number;
}

function findSecrets(text: string, firstOnly: boolean): SecretHit[] {
  const hits: SecretHit[] = [];
  const add = (kind: SecretKind, start: number, end: number): boolean => {
    hits.push({ kind, start, end });
    return firstOnly;
  };
  // The shared list (libs/protocol) that the API also scrubs from logs and errors.
  for (const { kind, re } of SECRET_SHAPES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) if (add(kind, m.index, m.index + m[0].length)) return hits;
  }
  CREDENTIAL_STATEMENT.lastIndex = 0;
  for (let m = CREDENTIAL_STATEMENT.exec(text); m; m = CREDENTIAL_STATEMENT.exec(text)) {
    const value = m[1] ?? '';
    if (value.length < 3 || NOT_A_VALUE.has(value.toLowerCase())) continue;
    const start = m.index + m[0].length - value.length;
    if (add('password', start, m.index + m[0].length)) return hits;
  }
  CARD_CANDIDATE.lastIndex = 0;
  for (let m = CARD_CANDIDATE.exec(text); m; m = CARD_CANDIDATE.exec(text)) {
    if (luhnValid(m[0].replace(/[ -]/g, '')) && add('card_number', m.index, m.index + m[0].length)) return hits;
  }
  TOKEN_CANDIDATE.lastIndex = 0;
  for (let m = TOKEN_CANDIDATE.exec(text); m; m = TOKEN_CANDIDATE.exec(text)) {
    if (looksGenerated(m[0]) && add('high_entropy_token', m.index, m.index + m[0].length)) return hits;
  }
  return hits;
}

/** The kind of the first secret or credential found in a text, or null when there is none. */
export function detectSecret(text: string): SecretKind | null {
  return findSecrets(text, true)[0]?.kind ?? null;
}

/** The text with every secret replaced by `[REDACTED]` (what the extraction model gets to see). */
export function redactSecrets(text: string): string {
  const hits = findSecrets(text, false).sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const h of hits) {
    if (h.end <= at) continue;
    out += text.slice(at, Math.max(at, h.start)) + '[REDACTED]';
    at = h.end;
  }
  return out + text.slice(at);
}
