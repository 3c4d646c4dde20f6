/** Why a model call failed, as people need to know it: what to do next differs for each. */
export type TurnErrorKind = 'unreachable' | 'auth' | 'rate_limited' | 'context_too_long' | 'timeout' | 'provider_error' | 'unknown';

export const TURN_ERROR_KINDS: readonly TurnErrorKind[] = ['unreachable', 'auth', 'rate_limited', 'context_too_long', 'timeout', 'provider_error', 'unknown'];

const AUTH = /invalid[ _-]?api[ _-]?key|incorrect api key|unauthori[sz]ed|authentication|permission denied|invalid x-api-key/i;
const RATE = /rate[ _-]?limit|too many requests|quota|overloaded/i;
const CONTEXT = /context[ _-]?length|maximum context|context window|too many tokens|prompt is too long|tokens? exceeds?|reduce the length/i;
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNRESET|connection failed|connection lost|fetch failed|socket hang up|other side closed/i;
const TIMEOUT = /timed out|timeout|ETIMEDOUT|stopped sending|stalled/i;

/** The HTTP status a stored provider error names ("… (HTTP 429): …"), or undefined. */
export function statusInErrorText(text: string): number | undefined {
  const m = /\(HTTP (\d{3})\)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Classifies a failed model call from its (scrubbed) error text and HTTP status: pure, so the
 * engine stores the kind with the `turn_error` event and clients can classify older events too.
 */
export function classifyTurnError(text: string, status: number | undefined = statusInErrorText(text)): TurnErrorKind {
  if (status === 401 || status === 403 || AUTH.test(text)) return 'auth';
  if (CONTEXT.test(text) || status === 413) return 'context_too_long';
  if (status === 429 || RATE.test(text) || status === 529) return 'rate_limited';
  if (UNREACHABLE.test(text)) return 'unreachable';
  if (status === 408 || TIMEOUT.test(text)) return 'timeout';
  if (status !== undefined && status >= 500) return 'provider_error';
  return 'unknown';
}

/** A failed reply in words people understand: a headline and what to do about it. */
export function describeTurnError(kind: TurnErrorKind, model: string | null): { title: string; hint: string } {
  const who = model ? `${model}` : 'The model';
  switch (kind) {
    case 'unreachable':
      return { title: `${who} could not be reached`, hint: 'The provider did not answer: check that it is running and its address is right, then retry.' };
    case 'auth':
      return { title: `${who} refused the API key`, hint: 'The provider rejected the key: fix it in the configuration (Settings shows where), then retry.' };
    case 'rate_limited':
      return { title: `${who} is rate limited`, hint: 'The provider asked to slow down: wait a moment and retry, or retry with another model.' };
    case 'context_too_long':
      return { title: 'The conversation is too long for this model', hint: 'Retry with a model that has a larger context window, or run /compact first.' };
    case 'timeout':
      return { title: `${who} stopped answering`, hint: 'The call timed out: retry, or pick another model.' };
    case 'provider_error':
      return { title: `${who} had an internal error`, hint: 'The provider failed on its side: retry in a moment, or with another model.' };
    default:
      return { title: 'The reply failed', hint: 'Retry, or pick another model.' };
  }
}
