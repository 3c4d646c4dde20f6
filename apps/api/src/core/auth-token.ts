import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented token with the API token. */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads `Authorization: Bearer <token>` (or `x-api-key`, which some OpenAI-style clients send). */
export function bearerFrom(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  const value = Array.isArray(auth) ? auth[0] : auth;
  if (value) {
    const m = /^Bearer\s+(.+)$/i.exec(value.trim());
    return m ? m[1].trim() : null;
  }
  const key = headers['x-api-key'];
  return (Array.isArray(key) ? key[0] : key) ?? null;
}
