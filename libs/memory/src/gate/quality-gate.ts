import { MEMORY_MAX_CHARS } from '@switchboard/protocol';
import { detectSecret } from '../secrets/detect-secrets';
import { contentTokens, factTokens, normalisedForm, normaliseWhitespace } from '../text/normalise-text';
import { grounding, overlapOf } from '../text/similarity';
import { slotsConflict } from '../text/slots';
import {
  GateReason,
  type GateConfig,
  type GateDecision,
  type MemoryCandidate,
  type MemoryLike,
} from '../memory.types';

export const DEFAULT_GATE_CONFIG: GateConfig = {
  minConfidence: 0.6,
  maxChars: MEMORY_MAX_CHARS,
  nearDuplicateJaccard: 0.75,
  containment: 0.85,
  minGrounding: 0.5,
  knownContainment: 0.75,
  knownJaccard: 0.6,
};

/** How many full-text neighbours the gate compares a candidate with. */
export const GATE_NEIGHBOURS = 5;

// Statements about the conversation rather than the person, and pleasantries.
const JUNK_PATTERNS = [
  /\b(?:asked|asks|is asking|was asking|wants to know|wanted to know|wondered|is wondering|inquired|requested)\b/,
  /\b(?:is|was) (?:looking for|searching for|trying to find)\b|\bneeds? help with\b/,
  /\b(?:said|says|saying)\s+(?:hi|hello|hey|thanks|thank you|goodbye|bye|ok|okay|yes|no)\b/,
  /\b(?:greeted|thanked|thanks the|is grateful for the (?:help|answer))\b/,
  /\b(?:the|this|our) (?:assistant|conversation|chat|session|message|question|answer)\b/,
];

/**
 * Checks that need nothing stored: emptiness, secrets, the length limit, confidence and junk.
 * The parser and the gate both call this one function, so the limit is applied the same way.
 */
export function precheckCandidate(candidate: MemoryCandidate, config: GateConfig = DEFAULT_GATE_CONFIG): GateDecision | null {
  const content = normaliseWhitespace(candidate.content);
  const reject = (reason: GateReason, detail?: string): GateDecision => ({
    action: 'rejected',
    reason,
    content,
    targetId: null,
    ...(detail ? { detail } : {}),
  });
  if (content.length === 0) return reject(GateReason.EMPTY);
  const secret = detectSecret([content, candidate.category ?? '', ...candidate.tags].join('\n'));
  if (secret) return reject(GateReason.SECRET, secret);
  if (content.length > config.maxChars) return reject(GateReason.TOO_LONG);
  if (!(candidate.confidence >= config.minConfidence)) return reject(GateReason.LOW_CONFIDENCE);
  const lower = content.toLowerCase();
  if (factTokens(content).length === 0 || JUNK_PATTERNS.some((re) => re.test(lower))) return reject(GateReason.JUNK);
  return null;
}

export interface GateInput {
  candidate: MemoryCandidate;
  /** The project of the session the candidate comes from (never taken from the model). */
  projectId: string | null;
  /** The person a `person` candidate belongs to (the speaker; never taken from the model). */
  personId?: string | null;
  /** The group chat a `group` candidate belongs to. */
  groupId?: string | null;
  /** The user's own words the candidate must be grounded in; null when the user stated the memory directly. */
  sourceText: string | null;
  /** Memories that were injected into the prompt of the turns the candidate comes from. */
  injected: readonly MemoryLike[];
  /** Active memories in the readable scope with the candidate's normalised hash. */
  exact: readonly MemoryLike[];
  /** Full-text neighbours (bm25 top hits) in the readable scope. */
  neighbours: readonly MemoryLike[];
  /** The memory the candidate names as its target, when it exists in the readable scope. */
  target: MemoryLike | null;
  config?: GateConfig;
}

const NEGATIONS = new Set(['not', 'no', 'never', 'nor', 'without', 'anymor', 'longer', 'quit', 'stop', 'dislik', 'hat']);
const ANTONYM_BASE: Record<string, string> = { dislik: 'lik', hat: 'lov' };

function polarity(tokens: readonly string[]): { negative: boolean; rest: string[] } {
  let negative = false;
  const rest: string[] = [];
  for (const t of tokens) {
    if (NEGATIONS.has(t)) {
      negative = true;
      if (ANTONYM_BASE[t]) rest.push(ANTONYM_BASE[t]);
    } else rest.push(t);
  }
  return { negative, rest };
}

/** True when one statement negates the other ("drinks coffee" / "no longer drinks coffee"). */
export function negates(a: string, b: string): boolean {
  const pa = polarity(contentTokens(a));
  const pb = polarity(contentTokens(b));
  return pa.negative !== pb.negative && overlapOf(pa.rest, pb.rest).jaccard >= 0.6;
}

/** True when two statements contradict each other (negation, or a single-valued slot with another value). */
export function contradicts(a: string, b: string): boolean {
  return negates(a, b) || slotsConflict(a, b);
}

/**
 * The deterministic quality gate: given a candidate and what the store found near it, decides
 * to accept, merge into, supersede, or reject — always with a reason code. No model involved.
 */
export function evaluateCandidate(input: GateInput): GateDecision {
  const config = input.config ?? DEFAULT_GATE_CONFIG;
  const { candidate, projectId } = input;
  const pre = precheckCandidate(candidate, config);
  if (pre) return pre;
  const content = normaliseWhitespace(candidate.content);
  const decide = (action: GateDecision['action'], reason: GateReason, targetId: string | null = null): GateDecision => ({
    action,
    reason,
    content,
    targetId,
  });

  if (candidate.scope === 'project' && !projectId) return decide('rejected', GateReason.NO_PROJECT);
  // A personal fact needs its person, a group fact its group: never stored without an owner.
  if ((candidate.scope === 'person' && !input.personId) || (candidate.scope === 'group' && !input.groupId)) return decide('rejected', GateReason.NOT_ALLOWED);
  if (input.sourceText !== null && grounding(content, input.sourceText) < config.minGrounding) {
    return decide('rejected', GateReason.NOT_FROM_USER);
  }

  const injectedIds = new Set(input.injected.map((m) => m.id));
  const seenReason = (m: MemoryLike) => (injectedIds.has(m.id) ? GateReason.ALREADY_KNOWN : GateReason.NEAR_DUPLICATE);
  // Merge and supersede only within the candidate's own scope and owner: a project fact never
  // rewrites a global one, nor one person's fact another person's.
  const writable = (m: MemoryLike) => {
    if (m.scope !== candidate.scope) return false;
    switch (candidate.scope) {
      case 'global':
        return m.projectId === null;
      case 'project':
        return m.projectId === projectId;
      case 'person':
        return !!input.personId && m.personId === input.personId;
      case 'group':
        return !!input.groupId && m.groupId === input.groupId;
    }
  };

  const form = normalisedForm(content);
  const exact = input.exact.find((m) => normalisedForm(m.content) === form);
  if (exact) return decide('rejected', injectedIds.has(exact.id) ? GateReason.ALREADY_KNOWN : GateReason.DUPLICATE, exact.id);

  const tokens = contentTokens(content);
  if (input.target && writable(input.target)) {
    const target = input.target;
    const ov = overlapOf(tokens, contentTokens(target.content));
    if (!negates(content, target.content)) {
      if (ov.aInB >= config.containment) return decide('rejected', seenReason(target), target.id);
      if (ov.bInA >= config.containment && ov.onlyA.length > 0) return decide('merged', GateReason.MERGED_RICHER, target.id);
    }
    return decide('superseded', GateReason.UPDATED, target.id);
  }

  const pool = new Map<string, MemoryLike>();
  for (const m of [...input.neighbours, ...input.injected]) pool.set(m.id, m);
  const ranked = [...pool.values()]
    .map((m) => ({ m, ov: overlapOf(tokens, contentTokens(m.content)) }))
    .sort((x, y) => y.ov.jaccard - x.ov.jaccard);
  for (const { m, ov } of ranked) {
    const shown = injectedIds.has(m.id);
    if (contradicts(content, m.content)) {
      // A project fact that differs from a global one is a project-specific exception: kept beside it.
      if (writable(m)) return decide('superseded', GateReason.CONTRADICTION, m.id);
      continue;
    }
    if (ov.aInB >= config.containment) return decide('rejected', seenReason(m), m.id);
    if (ov.bInA >= config.containment && ov.onlyA.length > 0) {
      if (writable(m)) return decide('merged', GateReason.MERGED_RICHER, m.id);
      continue;
    }
    if (ov.jaccard >= config.nearDuplicateJaccard) return decide('rejected', seenReason(m), m.id);
    // The extractor was shown this memory and told not to repeat it: a close paraphrase is a repeat.
    if (shown && (ov.aInB >= config.knownContainment || ov.jaccard >= config.knownJaccard)) return decide('rejected', GateReason.ALREADY_KNOWN, m.id);
  }
  return decide('accepted', GateReason.NEW);
}
