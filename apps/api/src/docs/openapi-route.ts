import type { z } from 'zod';

/** One route of the OpenAPI document, described by the zod schemas the API validates with. */
export interface OpenApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  public?: boolean;
  errors?: number[];
}
