import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';

/** At most this many issues, and this many characters of each, reach an error body (a hostile body can raise millions). */
const MAX_ISSUES = 5;
const MAX_ISSUE_CHARS = 200;

function clip(text: string): string {
  return text.length > MAX_ISSUE_CHARS ? text.slice(0, MAX_ISSUE_CHARS - 1) + '…' : text;
}

/** Turns zod issues into one VALIDATION_FAILED error naming the first bad field; the list is capped. */
export function validationError(error: z.ZodError, where = 'body'): SwitchboardError {
  const issues = error.issues.slice(0, MAX_ISSUES).map((i) => ({ field: clip(i.path.join('.') || where), message: clip(i.message), code: i.code }));
  const first = issues[0];
  return new SwitchboardError(ErrorCode.VALIDATION_FAILED, `${first.field}: ${first.message}`, {
    field: first.field,
    issues,
    ...(error.issues.length > MAX_ISSUES ? { moreIssues: error.issues.length - MAX_ISSUES } : {}),
  });
}

/** Parses a value with a schema or throws VALIDATION_FAILED. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const r = schema.safeParse(value ?? (where === 'body' ? {} : value));
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

/** Validates a request part (body, query or one path parameter, named by `where`) with a zod schema from libs/protocol. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform {
  constructor(
    private readonly schema: S,
    private readonly where: string = 'body',
  ) {}
  transform(value: unknown): z.infer<S> {
    return parseWith(this.schema, value, this.where);
  }
}
