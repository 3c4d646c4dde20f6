import type { MemoryScope } from '@switchboard/protocol';

/** Where a memory came from: extracted from a conversation, stated by the user (API), or saved by a tool call. */
export type MemoryOrigin = 'extracted' | 'user' | 'tool';

/** A memory proposed for storage (by extraction, the API or a tool), before the gate decides. */
export interface MemoryCandidate {
  content: string;
  scope: MemoryScope;
  confidence: number;
  category: string | null;
  tags: string[];
  /** The id of an existing memory this candidate updates (extraction and tools may name one). */
  targetId: string | null;
}

/** What the gate needs to know about a stored memory it compares a candidate with. */
export interface MemoryLike {
  id: string;
  content: string;
  scope: MemoryScope;
  projectId: string | null;
  personId?: string | null;
  groupId?: string | null;
}

/** The gate's verdict on a candidate; `accepted`, `merged` and `superseded` all store something. */
export type GateAction = 'accepted' | 'merged' | 'superseded' | 'rejected';

/** Stable reason codes: every decision carries one (logs, API refusals, the bench). */
export const GateReason = {
  /** accepted: nothing like it is stored */
  NEW: 'NEW',
  /** merged: the candidate says more than a stored memory of the same scope; that memory takes its content */
  MERGED_RICHER: 'MERGED_RICHER',
  /** superseded: the candidate contradicts a stored memory of the same scope (the old one stays in history) */
  CONTRADICTION: 'CONTRADICTION',
  /** superseded: the extractor named a stored memory this candidate updates */
  UPDATED: 'UPDATED',
  EMPTY: 'EMPTY',
  TOO_LONG: 'TOO_LONG',
  LOW_CONFIDENCE: 'LOW_CONFIDENCE',
  SECRET: 'SECRET',
  /** chit-chat, a note about the conversation itself, or too little content to be a fact */
  JUNK: 'JUNK',
  /** a project memory from a session without a project */
  NO_PROJECT: 'NO_PROJECT',
  /** a memory whose owner is not known or not allowed: a personal fact of an unknown speaker, a group fact outside a group, a global memory by a member */
  NOT_ALLOWED: 'NOT_ALLOWED',
  /** not grounded in what the user said (assistant text is never a source of facts) */
  NOT_FROM_USER: 'NOT_FROM_USER',
  /** it repeats a memory that was injected into the prompt */
  ALREADY_KNOWN: 'ALREADY_KNOWN',
  /** the same normalised content is stored */
  DUPLICATE: 'DUPLICATE',
  /** a stored memory already says this (or more) */
  NEAR_DUPLICATE: 'NEAR_DUPLICATE',
  /** the response item was not a usable object (parser) */
  INVALID: 'INVALID',
} as const;
export type GateReason = (typeof GateReason)[keyof typeof GateReason];

/** One gate decision. `targetId` is the stored memory merged into, superseded, or matched. */
export interface GateDecision {
  action: GateAction;
  reason: GateReason;
  /** The content to store (normalised whitespace) when the action stores something. */
  content: string;
  targetId: string | null;
  /** For secrets: which kind was found (never the secret itself). */
  detail?: string;
}

/** Tunables of the deterministic gate; the defaults are what the bench measures. */
export interface GateConfig {
  minConfidence: number;
  maxChars: number;
  /** At or above this Jaccard similarity a candidate is a near-duplicate unless it is richer. */
  nearDuplicateJaccard: number;
  /** Share of one memory's tokens the other must contain to count as covering it. */
  containment: number;
  /** Share of a candidate's tokens that must appear in the user's own words. */
  minGrounding: number;
  /** Looser repeat thresholds against memories the extractor was shown (it was told not to repeat them). */
  knownContainment: number;
  knownJaccard: number;
}
