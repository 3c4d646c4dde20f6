/**
 * The route table (libs/protocol/src/routes.ts) against the running API: every route a
 * controller declares is in the table (same method, path, auth and raw body types) and every
 * table route is registered with Fastify and documented in the OpenAPI document.
 */
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import { ROUTE_LIST } from '@switchboard/protocol';
import { rawRequest, startTestApi, type TestApi } from './harness';

interface DeclaredRoute {
  key: string;
  handler: string;
  public: boolean;
  accepts: readonly string[] | undefined;
}

/** `:name` (Nest, Fastify) to `{name}` (the table, OpenAPI). */
const toTablePath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const toFastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function joinPath(...parts: string[]): string {
  return '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');
}

/** Every HTTP route the controllers declare, read from Nest's own metadata (what its router registers). */
function declaredRoutes(t: TestApi): DeclaredRoute[] {
  const scanner = new MetadataScanner();
  const routes: DeclaredRoute[] = [];
  for (const mod of t.api.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!ctrl) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, ctrl) ?? '/'].flat() as string[];
      for (const name of scanner.getAllMethodNames(ctrl.prototype)) {
        const fn = (ctrl.prototype as Record<string, object>)[name];
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (method === undefined) continue;
        const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, fn) ?? {}) as { public?: boolean; accepts?: string[] };
        for (const prefix of prefixes) {
          for (const path of [Reflect.getMetadata(PATH_METADATA, fn) ?? '/'].flat() as string[]) {
            routes.push({
              key: `${RequestMethod[method]} ${toTablePath(joinPath(prefix, path))}`,
              handler: `${ctrl.name}.${name}`,
              public: config.public === true,
              accepts: config.accepts,
            });
          }
        }
      }
    }
  }
  return routes;
}

describe('the route table', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds exactly the routes the controllers declare, with their auth and body types', () => {
    const declared = declaredRoutes(t);
    const table = new Map(ROUTE_LIST.map((r) => [`${r.method} ${r.path}`, r]));
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((d) => !table.has(d.key)).map((d) => `${d.key} (${d.handler})`)).toEqual([]);
    const declaredKeys = new Set(declared.map((d) => d.key));
    expect(ROUTE_LIST.filter((r) => !declaredKeys.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path} (${r.id})`)).toEqual([]);
    for (const d of declared) {
      const r = table.get(d.key)!;
      expect([d.key, d.public ? 'public' : 'token']).toEqual([d.key, r.auth]);
      expect([d.key, d.accepts]).toEqual([d.key, r.bodyTypes]);
    }
  });

  it('is what Fastify routes', () => {
    const fastify = t.api.app.getHttpAdapter().getInstance();
    const missing = ROUTE_LIST.filter((r) => !fastify.hasRoute({ method: r.method, url: toFastifyPath(r.path) }));
    expect(missing.map((r) => r.id)).toEqual([]);
  });

  it('is the OpenAPI document: every route, its summary and its auth', async () => {
    const doc = await rawRequest(t.api.url, 'GET', '/api/docs-json');
    const paths = doc.json.paths as Record<string, Record<string, { operationId?: string; summary?: string; security?: unknown[] }>>;
    for (const r of ROUTE_LIST) {
      const op = paths[r.path]?.[r.method.toLowerCase()];
      expect([r.id, op?.operationId, op?.summary, op?.security?.length]).toEqual([r.id, r.id, r.summary, r.auth === 'public' ? 0 : 1]);
    }
    const documented = Object.values(paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(documented).toBe(ROUTE_LIST.length);
  });
});
