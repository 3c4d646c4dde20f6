import type { z } from 'zod';
import { ROUTES, type RouteId } from '@switchboard/protocol';
import { ZodPipe } from './zod.pipe';

type Part = 'body' | 'query' | 'params';
/** The ids of the routes whose table entry has this part. */
type RoutesWith<P extends Part> = { [Id in RouteId]: (typeof ROUTES)[Id] extends Record<P, z.ZodType> ? Id : never }[RouteId];

function part(id: RouteId, p: Part): z.ZodType {
  const schema = (ROUTES[id] as Partial<Record<Part, z.ZodType>>)[p];
  // Thrown while the controller class is declared, so a route that lost its schema fails at start-up.
  if (!schema) throw new Error(`route ${id} has no ${p} schema in the route table`);
  return schema;
}

/** The pipe that validates a route's JSON body with its schema in the route table (libs/protocol/src/routes.ts). */
export function routeBody(id: RoutesWith<'body'>): ZodPipe<z.ZodType> {
  return new ZodPipe(part(id, 'body'), 'body');
}

/** The pipe that validates a route's query string with its schema in the route table. */
export function routeQuery(id: RoutesWith<'query'>): ZodPipe<z.ZodType> {
  return new ZodPipe(part(id, 'query'), 'query');
}

/** The pipe that validates one path parameter of a route with its schema in the route table. */
export function routeParam(id: RoutesWith<'params'>, name: string): ZodPipe<z.ZodType> {
  const schema = (part(id, 'params') as z.ZodObject).shape[name] as z.ZodType | undefined;
  if (!schema) throw new Error(`route ${id} has no path parameter ${name} in the route table`);
  return new ZodPipe(schema, name);
}
