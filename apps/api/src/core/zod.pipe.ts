import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';

/** Turns zod issues into one VALIDATION_FAILED error naming the first bad field. */
export function validationError(error: z.ZodError, where = 'body'): SwitchboardError {
  const issues = error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message, code: i.code }));
  const first = issues[0];
  return new SwitchboardError(ErrorCode.VALIDATION_FAILED, `${first.field}: ${first.message}`, { field: first.field, issues });
}

/** Parses a value with a schema or throws VALIDATION_FAILED. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const r = schema.safeParse(value ?? (where === 'body' ? {} : value));
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

/** Validates a request part (body or query) with a zod schema from libs/protocol. */
@Injectable()
export class ZodPipe<S extends z.ZodType> implements PipeTransform {
  constructor(
    private readonly schema: S,
    private readonly where: 'body' | 'query' = 'body',
  ) {}
  transform(value: unknown): z.infer<S> {
    return parseWith(this.schema, value, this.where);
  }
}
