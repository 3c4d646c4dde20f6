import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { Public } from '../core/public.decorator';
import { buildOpenApiDocument } from './openapi';

interface ReplyLike {
  header(name: string, value: string): ReplyLike;
  send(body: string | Buffer): void;
}

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';

/**
 * The page's assets, each with its content type: a string body is `text/plain` by default, and a
 * browser refuses a `text/plain` stylesheet (the page rendered unstyled). `file` comes from
 * swagger-ui-dist; `text` is ours (the start-up script is a file, not inline, so a strict
 * Content-Security-Policy can allow it).
 */
const ASSETS: Record<string, { type: string; file?: string; text?: string }> = {
  'favicon-32x32.png': { type: 'image/png', file: 'favicon-32x32.png' },
  'swagger-ui.css': { type: CSS, file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: JS, file: 'swagger-ui-bundle.js' },
  'docs-init.js': {
    type: JS,
    text: "window.ui = SwaggerUIBundle({ url: '/api/docs-json', dom_id: '#ui', persistAuthorization: true });\n",
  },
};

/** The API docs are public (they hold no secrets) so a browser can open them; every call they make still needs the token. */
@Controller('api')
export class DocsController {
  private document: Record<string, unknown> | null = null;
  private readonly assetCache = new Map<string, Buffer>();

  @Public()
  @Get('docs-json')
  json(): Record<string, unknown> {
    return (this.document ??= buildOpenApiDocument());
  }

  @Public()
  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return `<!doctype html><html><head><meta charset="utf-8"><title>Switchboard API</title>
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/docs-init.js"></script>
</body></html>`;
  }

  @Public()
  @Get('docs/assets/:name')
  asset(@Param('name') name: string, @Res() reply: ReplyLike): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new SwitchboardError(ErrorCode.NOT_FOUND, 'No such asset.', { available: Object.keys(ASSETS) });
    let body = this.assetCache.get(name);
    if (body === undefined) {
      body = asset.text !== undefined ? Buffer.from(asset.text) : readFileSync(join(dirname(require.resolve('swagger-ui-dist/package.json')), asset.file!));
      this.assetCache.set(name, body);
    }
    reply.header('content-type', asset.type).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=3600').send(body);
  }
}
