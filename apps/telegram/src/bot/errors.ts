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
        return '⏳ The model provider is rate-limiting us. Please try again shortly.';
      case 'SESSION_BUSY':
        return '⏳ Switchboard is restarting. Please try again in a moment.';
      case 'TRANSCRIPTION_UNAVAILABLE':
        return `🎤 ${err.message}`;
      default:
        return `⚠️ ${err.message}`;
    }
  }
  return '⚠️ Something went wrong handling that message. Please try again.';
}
