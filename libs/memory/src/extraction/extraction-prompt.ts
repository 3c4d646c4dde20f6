import { MEMORY_MAX_CHARS, type MemoryScope } from '@switchboard/protocol';
import { redactSecrets } from '../secrets/detect-secrets';

/** One turn of the conversation the extractor reads; assistant turns are context only. */
export interface ExtractionTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A memory already stored and shown to the extractor so it is not extracted again. */
export interface KnownMemory {
  id: string;
  content: string;
  scope: MemoryScope;
}

export interface ExtractionPromptInput {
  turns: readonly ExtractionTurn[];
  known: readonly KnownMemory[];
  /** Whether the conversation belongs to a project (else only global memories make sense). */
  hasProject: boolean;
  maxChars?: number;
}

export interface ExtractionPrompt {
  system: string;
  /** The whole task in one user message (so the conversation is the last user message). */
  user: string;
}

/** The marker that opens every extraction request (tests script the fake LLM on it). */
export const EXTRACTION_MARKER = 'EXTRACT MEMORIES';

const MAX_USER_TURN_CHARS = 4000;
const MAX_ASSISTANT_TURN_CHARS = 600;

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + ' […]' : text;
}

/** Builds the extraction request: rules (with the length limit) in the system prompt, the conversation in one user message. */
export function buildExtractionPrompt(input: ExtractionPromptInput): ExtractionPrompt {
  const maxChars = input.maxChars ?? MEMORY_MAX_CHARS;
  const scopes = input.hasProject
    ? '"global" for facts about the person (preferences, background, how they like to work), "project" for facts that only hold for the current project (its stack, conventions, decisions)'
    : '"global" only (this conversation belongs to no project)';
  const system = [
    'You extract durable memories about the user from a conversation, for a personal assistant that remembers across conversations.',
    'Rules:',
    '- Only what the USER said is a source of facts. Assistant messages are context for understanding the user; never extract anything the assistant said, suggested or assumed.',
    '- Extract stable facts and preferences worth remembering for weeks: who the user is, what they prefer, what they use, decisions they made. Skip greetings, thanks, questions, one-off requests and anything about this conversation itself.',
    '- Never extract secrets or credentials: passwords, API keys, tokens, private keys, card numbers. Leave them out entirely.',
    '- Do not extract anything already listed under "Known memories". If the user changed or contradicted one of them, extract the new fact and set "target" to that memory\'s id.',
    `- Each memory is one self-contained statement of at most ${maxChars} characters. If something richer needs more, split it into several atomic memories; never exceed the limit.`,
    '- Write memories in the third person about "User" (e.g. "User prefers tabs over spaces").',
    `- scope: ${scopes}.`,
    '- confidence: 0 to 1, how sure you are the user stated this as a lasting fact.',
    'Answer with JSON only, no prose: {"memories":[{"content":"...","scope":"global","confidence":0.9,"category":"preference","tags":["editor"],"target":null}]}',
    'When nothing is worth remembering, answer {"memories":[]}.',
  ].join('\n');

  const lines: string[] = [EXTRACTION_MARKER, ''];
  lines.push('Known memories (already stored; do not extract again):');
  if (input.known.length === 0) lines.push('(none)');
  for (const m of input.known) lines.push(`- [${m.id}] (${m.scope}) ${m.content}`);
  lines.push('', 'Conversation (oldest first):');
  for (const t of input.turns) {
    // Secrets never leave for the extractor: it cannot extract what it does not see.
    if (t.role === 'user') lines.push(`[user] ${clip(redactSecrets(t.content), MAX_USER_TURN_CHARS)}`);
    else lines.push(`[assistant — context only, not a source] ${clip(redactSecrets(t.content), MAX_ASSISTANT_TURN_CHARS)}`);
  }
  lines.push('', 'Return the JSON now.');
  return { system, user: lines.join('\n') };
}
