import { Controller, Get, Header, Param } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import { Public } from '../core/public.decorator';
import { buildOpenApiDocument } from './openapi';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

/** The API docs are public (they hold no secrets) so a browser can open them; every call they make still needs the token. */
@Controller('api')
export class DocsController {
  private document: Record<string, unknown> | null = null;
  private readonly assetCache = new Map<string, string>();

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
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/docs-json', dom_id: '#ui', persistAuthorization: true });</script>
</body></html>`;
  }

  @Public()
  @Get('docs/assets/:name')
  asset(@Param('name') name: string): string {
    if (!ASSETS[name]) throw new SwitchboardError(ErrorCode.NOT_FOUND, 'No such asset.');
    let text = this.assetCache.get(name);
    if (!text) {
      const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
      text = readFileSync(join(dir, name), 'utf8');
      this.assetCache.set(name, text);
    }
    return text;
  }
}
