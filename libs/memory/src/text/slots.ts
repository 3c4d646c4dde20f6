import { foldText, stem } from './normalise-text';

/** A single-valued attribute a statement sets: where the user lives, their employer, a favourite. */
export interface SlotValue {
  /** e.g. `residence`, `favourite:language` */
  key: string;
  value: string;
}

const W = String.raw`[\p{L}\p{N}][\p{L}\p{N}+#.-]*`;

interface SlotRule {
  re: RegExp;
  key: (m: RegExpExecArray) => string;
  value: (m: RegExpExecArray) => string;
}

const norm = (s: string) =>
  s
    .split(/\s+/)
    .map((w) => w.replace(/[.-]+$/, ''))
    .filter(Boolean)
    .map(stem)
    .join(' ');

// Facts that hold one value at a time: a new value contradicts the old one.
const RULES: SlotRule[] = [
  {
    re: new RegExp(String.raw`\b(?:lives?|living|based|located|resides?|moved|moving|relocated|relocating)\s+(?:in|to)\s+(?:the\s+)?(${W})`, 'u'),
    key: () => 'residence',
    value: (m) => norm(m[1]),
  },
  {
    re: new RegExp(String.raw`\b(?:works?|working|worked|employed|job)\s+(?:at|for)\s+(?:the\s+)?(${W})`, 'u'),
    key: () => 'employer',
    value: (m) => norm(m[1]),
  },
  {
    re: new RegExp(String.raw`\b(?:name\s+is|called|goes\s+by|call\s+(?:him|her|them|me))\s+(${W})`, 'u'),
    key: () => 'name',
    value: (m) => norm(m[1]),
  },
  {
    re: new RegExp(String.raw`\bfavou?rite\s+((?:${W}\s+){0,2}?${W})\s+(?:is|are|was|has\s+become|became)\s+(?:now\s+)?(${W})`, 'u'),
    key: (m) => 'favourite:' + norm(m[1]),
    value: (m) => norm(m[2]),
  },
  {
    re: new RegExp(String.raw`\b(?:main|primary|default|preferred)\s+(${W})\s+(?:is|are)\s+(?:now\s+)?(${W})`, 'u'),
    key: (m) => 'main:' + norm(m[1]),
    value: (m) => norm(m[2]),
  },
  {
    re: new RegExp(String.raw`\b(?:uses?|using)\s+(${W}(?:\s+${W})?)\s+as\s+(?:(?:his|her|their|my|the|a|an|main|primary|default|preferred)\s+)*(${W})`, 'u'),
    key: (m) => 'uses-as:' + norm(m[2]),
    value: (m) => norm(m[1]),
  },
  {
    re: new RegExp(String.raw`\bprefers?\s+(${W})\s+(?:over|to)\s+(${W})`, 'u'),
    key: (m) => 'prefers:' + [norm(m[1]), norm(m[2])].sort().join('|'),
    value: (m) => norm(m[1]),
  },
  {
    re: new RegExp(String.raw`\btime\s*zone\s+(?:is\s+)?(?:now\s+)?(${W})`, 'u'),
    key: () => 'timezone',
    value: (m) => norm(m[1]),
  },
  {
    re: /\b(\d{1,3})\s+years?\s+old\b/u,
    key: () => 'age',
    value: (m) => m[1],
  },
];

/** The single-valued slot a statement sets, if it matches one of the known shapes. */
export function slotOf(text: string): SlotValue | null {
  const folded = foldText(text);
  for (const rule of RULES) {
    const m = rule.re.exec(folded);
    if (m) return { key: rule.key(m), value: rule.value(m) };
  }
  return null;
}

/** A search token standing for the slot (so full-text search finds "lives in Berlin" for "moved to Paris"). */
export function slotToken(text: string): string | null {
  const slot = slotOf(text);
  if (!slot) return null;
  return 'slot' + slot.key.replace(/[^\p{L}\p{N}]+/gu, '');
}

/** True when both statements set the same slot to different values. */
export function slotsConflict(a: string, b: string): boolean {
  const sa = slotOf(a);
  const sb = slotOf(b);
  return !!sa && !!sb && sa.key === sb.key && sa.value !== sb.value;
}
