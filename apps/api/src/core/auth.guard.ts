import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { IS_PUBLIC } from './public.decorator';
import { API_TOKEN } from './tokens';

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

/** Token auth on every route except those marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_TOKEN) private readonly token: string,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const presented = bearerFrom(req.headers);
    if (!tokenMatches(presented, this.token)) {
      throw new SwitchboardError(
        ErrorCode.UNAUTHORIZED,
        presented ? 'The API token is not valid.' : 'Missing API token: send Authorization: Bearer <token>.',
      );
    }
    return true;
  }
}
