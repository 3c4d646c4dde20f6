import { scrubSecretShapes } from '@switchboard/protocol';

/** An error's text as it is logged, stored and shown: secret shapes scrubbed (provider errors already scrub configured keys). */
export function errorText(err: unknown): string {
  return scrubSecretShapes(err instanceof Error ? err.message : String(err));
}

/** A provider error cut to fit a history line. */
export function shortError(message: string): string {
  return message.length > 160 ? message.slice(0, 157) + '…' : message;
}
