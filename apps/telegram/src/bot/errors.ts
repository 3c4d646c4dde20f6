import { GrammyError, HttpError } from 'grammy';
import { SwitchboardApiError } from '@switchboard/protocol';

export const UNAVAILABLE = '⚠️ Switchboard is temporarily unavailable. Please try again in a moment.';

/** True when the API could not be reached or answered with a server-side failure. */
export function isApiUnavailable(err: unknown): boolean {
  if (err instanceof SwitchboardApiError) return err.status === 0 || err.status >= 500 || err.status === 401;
  // Checked by name, not instanceof: fetch's errors may come from another realm.
  const e = err as { name?: unknown; message?: unknown } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return true;
  // fetch() failing to connect: TypeError("fetch failed") with a cause such as ECONNREFUSED.
  return e?.name === 'TypeError' && typeof e.message === 'string' && /fetch failed|network/i.test(e.message);
}

/**
 * What the user is told when handling their message failed; null when telling them is
 * pointless (Telegram itself failed). Codes map to friendly text; nothing leaks internals.
 */
export function friendlyError(err: unknown): string | null {
  if (err instanceof GrammyError || err instanceof HttpError) return null;
  if (isApiUnavailable(err)) return UNAVAILABLE;
  if (err instanceof SwitchboardApiError) {
    switch (err.code) {
      case 'QUEUE_FULL':
        return '⏳ Too many messages are already waiting in this chat. Please wait for the replies.';
      case 'RATE_LIMITED':
      case 'BUDGET_EXCEEDED':
        return limitReply(err.code, err.details) ?? '⏳ The model provider is rate-limiting us. Please try again shortly.';
      case 'SESSION_BUSY':
        return '⏳ Switchboard is restarting. Please try again in a moment.';
      case 'TRANSCRIPTION_UNAVAILABLE':
        return `🎤 ${err.message}`;
      case 'ATTACHMENT_NOT_SUPPORTED':
        return `🖼️ ${err.message}`;
      case 'ATTACHMENT_TOO_LARGE':
      case 'TOO_MANY_ATTACHMENTS':
      case 'ATTACHMENT_TYPE_NOT_ALLOWED':
        return `📎 ${err.message}`;
      default:
        return `⚠️ ${err.message}`;
    }
  }
  return '⚠️ Something went wrong handling that message. Please try again.';
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const pad = (n: number) => String(n).padStart(2, '0');

/** "00:00 UTC", with the day when it is not within the next 24 hours. */
function utcTime(iso: unknown, now: Date): string | null {
  const at = typeof iso === 'string' ? new Date(iso) : null;
  if (!at || Number.isNaN(at.getTime())) return null;
  const time = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
  const soon = at.getTime() - now.getTime() < 24 * 3600_000;
  return soon ? time : `${time} on ${at.toISOString().slice(0, 10)}`;
}

/**
 * The words for a refusal by the limits: the speaker's messages per minute (RATE_LIMITED with
 * `limit: 'messagesPerMinute'`), a request rate with a wait (RATE_LIMITED with
 * `retryAfterSeconds`), or their daily budget (BUDGET_EXCEEDED); null when the details say
 * none of these (a provider's 429 carries no details).
 */
export function limitReply(code: string, details: Record<string, unknown> | undefined, now = new Date()): string | null {
  if (code === 'BUDGET_EXCEEDED') {
    const what = details?.limit === 'tokensPerDay' ? ' (tokens)' : details?.limit === 'costPerDayUsd' ? ' (cost)' : '';
    const at = utcTime(details?.resetsAt, now);
    return `🪫 You've used today's allowance${what}; it resets at ${at ?? 'midnight UTC'}.`;
  }
  if (code !== 'RATE_LIMITED') return null;
  const wait = Number(details?.retryAfterSeconds);
  const inSeconds = Number.isFinite(wait) && wait > 0 ? `in ${plural(Math.ceil(wait), 'second')}` : 'in a minute';
  if (details?.limit === 'messagesPerMinute' || typeof details?.personId === 'string') return `⏳ You're sending messages too fast — try again ${inSeconds}.`;
  if (Number.isFinite(wait) && wait > 0) return `⏳ Too many requests right now — try again ${inSeconds}.`;
  return null;
}
