import { DEFAULT_GATE_CONFIG, precheckCandidate } from '../gate/quality-gate';
import { GateReason, type GateConfig, type GateDecision, type MemoryCandidate } from '../memory.types';

/** Why a response produced no candidates (or `ok`). */
export type ExtractionOutcome = 'ok' | 'empty_response' | 'no_json_array' | 'empty_array' | 'all_filtered';

export interface ParsedExtraction {
  /** Candidates that passed the pre-checks, for the gate. */
  candidates: MemoryCandidate[];
  /** Items the pre-checks refused, each with its decision (for logs and metrics). */
  rejected: Array<{ candidate: MemoryCandidate; decision: GateDecision }>;
  outcome: ExtractionOutcome;
  /** How many items the response held. */
  found: number;
  /** Dropped items per reason code (INVALID, EMPTY, TOO_LONG, LOW_CONFIDENCE, SECRET, JUNK). */
  dropped: Partial<Record<GateReason, number>>;
  /** True when the JSON had to be repaired (fences, trailing commas, truncation, smart quotes). */
  repaired: boolean;
}

const LIST_KEYS = ['memories', 'candidates', 'items', 'facts', 'results', 'data'];

/** Parses JSON, or returns undefined. */
function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Light repairs for what models commonly get wrong: smart quotes, trailing commas, comments and
 * truncation. A list item cut off mid-way is dropped, not completed: half a memory is not a memory.
 */
function repairJson(text: string): string {
  const s = text
    .replace(/[“”]/g, '"')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/,\s*([}\]])/g, '$1');
  const stack: string[] = [];
  // Where the last item of a list began, and what was open there.
  let itemStart = -1;
  let openAtItem: string[] = [];
  const inString = forEachOutsideStrings(s, (ch, i) => {
    if (ch === '{' || ch === '[') {
      if (ch === '{' && stack.at(-1) === ']') {
        itemStart = i;
        openAtItem = [...stack];
      }
      stack.push(ch === '{' ? '}' : ']');
    } else if (ch === '}' || ch === ']') stack.pop();
  });
  let out = s;
  let open = stack;
  if (itemStart >= 0 && stack.length > openAtItem.length) {
    out = s.slice(0, itemStart).replace(/,\s*$/, '');
    open = openAtItem;
  } else {
    if (inString) out += '"';
    out = out.replace(/,\s*$/, '').replace(/:\s*$/, ': null');
    // A dangling key (`, "conf"`) gets a null value so the object parses.
    if (open.at(-1) === '}') out = out.replace(/([{,]\s*"(?:[^"\\]|\\.)*")\s*$/, '$1: null');
  }
  while (open.length) out += open.pop();
  return out.replace(/,\s*([}\]])/g, '$1');
}

/** Every balanced top-level `{...}` inside the text that parses on its own (last resort for broken arrays). */
function salvageObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  forEachOutsideStrings(text, (ch, i) => {
    if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0 && start >= 0) {
        const chunk = text.slice(start, i + 1);
        const value = tryJson(chunk) ?? tryJson(repairJson(chunk));
        if (value && typeof value === 'object' && !Array.isArray(value)) out.push(value);
        start = -1;
      }
    }
  });
  return out;
}

/** Calls `visit` for every character outside JSON strings; returns true if the text ends inside one. */
function forEachOutsideStrings(text: string, visit: (ch: string, index: number) => void): boolean {
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else visit(ch, i);
  }
  return inString;
}

function listFrom(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of LIST_KEYS) if (Array.isArray(obj[key])) return obj[key] as unknown[];
    if (typeof obj.content === 'string') return [obj];
  }
  return null;
}

/** Finds the item list in a model response: plain, fenced, wrapped in prose, or slightly broken JSON. */
export function extractJsonList(text: string): { items: unknown[] | null; repaired: boolean } {
  const fenced = /```(?:json|JSON)?\s*([\s\S]*?)(?:```|$)/.exec(text);
  const body = (fenced ? fenced[1] : text).replace(/^\uFEFF/, '').trim();
  const first = body.search(/[[{]/);
  if (first < 0) return { items: null, repaired: false };
  const slice = body.slice(first);
  const lastClose = Math.max(slice.lastIndexOf(']'), slice.lastIndexOf('}'));
  const exact = lastClose >= 0 ? tryJson(slice.slice(0, lastClose + 1)) : undefined;
  const direct = listFrom(exact);
  if (direct) return { items: direct, repaired: false };
  const repairedValue = tryJson(repairJson(slice)) ?? (lastClose >= 0 ? tryJson(repairJson(slice.slice(0, lastClose + 1))) : undefined);
  const repaired = listFrom(repairedValue);
  if (repaired) return { items: repaired, repaired: true };
  const salvaged = salvageObjects(slice).filter((o) => typeof (o as Record<string, unknown>).content === 'string' || LIST_KEYS.some((k) => k in (o as object)));
  const flat = salvaged.flatMap((o) => listFrom(o) ?? []);
  return flat.length ? { items: flat, repaired: true } : { items: null, repaired: false };
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function num(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  return n > 1 && n <= 100 ? n / 100 : n;
}

/** One response item as a candidate; null when it is not a usable object. */
export function toCandidate(item: unknown): MemoryCandidate | null {
  if (typeof item === 'string') return { content: item, scope: 'global', confidence: 0.7, category: null, tags: [], targetId: null };
  if (!item || typeof item !== 'object' || Array.isArray(item)) return null;
  const o = item as Record<string, unknown>;
  const content = typeof o.content === 'string' ? o.content : typeof o.memory === 'string' ? o.memory : typeof o.fact === 'string' ? o.fact : typeof o.text === 'string' ? o.text : null;
  if (content === null) return null;
  const scopeText = (str(o.scope) ?? 'global').toLowerCase();
  const scope = scopeText === 'project' ? 'project' : 'global';
  const tags = Array.isArray(o.tags)
    ? o.tags.filter((t): t is string => typeof t === 'string' && t.trim().length > 0).map((t) => t.trim().slice(0, 50)).slice(0, 20)
    : typeof o.tags === 'string'
      ? o.tags.split(',').map((t) => t.trim()).filter(Boolean).slice(0, 20)
      : [];
  return {
    content,
    scope,
    confidence: num(o.confidence) ?? 0.7,
    category: str(o.category)?.slice(0, 50) ?? null,
    tags,
    targetId: str(o.target) ?? str(o.targetId) ?? str(o.target_id) ?? str(o.updates) ?? null,
  };
}

/** Parses an extraction response into candidates, with the reasons when nothing usable came out. */
export function parseExtractionResponse(text: string, config: GateConfig = DEFAULT_GATE_CONFIG): ParsedExtraction {
  const result: ParsedExtraction = { candidates: [], rejected: [], outcome: 'ok', found: 0, dropped: {}, repaired: false };
  if (!text.trim()) return { ...result, outcome: 'empty_response' };
  const { items, repaired } = extractJsonList(text);
  result.repaired = repaired;
  if (!items) return { ...result, outcome: 'no_json_array' };
  result.found = items.length;
  if (items.length === 0) return { ...result, outcome: 'empty_array' };
  for (const item of items) {
    const candidate = toCandidate(item);
    if (!candidate) {
      result.dropped.INVALID = (result.dropped.INVALID ?? 0) + 1;
      continue;
    }
    const refused = precheckCandidate(candidate, config);
    if (refused) {
      result.dropped[refused.reason] = (result.dropped[refused.reason] ?? 0) + 1;
      result.rejected.push({ candidate, decision: refused });
      continue;
    }
    result.candidates.push(candidate);
  }
  if (result.candidates.length === 0) result.outcome = 'all_filtered';
  return result;
}
