import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  CONVERSATION_LIMITS,
  type BulkSessionsRequest,
  type BulkSessionsResponse,
  type ConversationArchive,
  type ExportSessionQuery,
  type ImportResponse,
  type SearchQuery,
  type SearchResponse,
  type Session,
  type UpdateSessionRequest,
} from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { routeBody, routeQuery } from '../core/route-pipes';
import { BodyLimit } from './body-limit';

/** `attachment; filename=…` with an ASCII fallback and the RFC 5987 form. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Conversation management (rename, archive, pin, bulk), full-text search, export and import. */
@Controller('api/v1')
export class ConversationsController {
  constructor(private readonly engine: SessionEngine) {}

  @Patch('sessions/:id')
  update(@Param('id') id: string, @Body(routeBody('updateSession')) body: UpdateSessionRequest): Promise<Session> {
    return this.engine.updateSession(id, body);
  }

  @Post('sessions/bulk')
  @HttpCode(200)
  async bulk(@Body(routeBody('bulkSessions')) body: BulkSessionsRequest): Promise<BulkSessionsResponse> {
    return { action: body.action, results: await this.engine.bulkSessions(body.action, body.ids) };
  }

  @Get('sessions/:id/export')
  async exportSession(
    @Param('id') id: string,
    @Query(routeQuery('exportSession')) query: ExportSessionQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const file = await this.engine.exportSession(id, query.format ?? 'markdown');
    reply.header('content-type', file.contentType).header('content-disposition', attachment(file.filename));
    return file.body;
  }

  @Get('search')
  search(@Query(routeQuery('searchMessages')) query: SearchQuery): Promise<SearchResponse> {
    return this.engine.search(query);
  }

  @Get('export')
  async exportAll(@Res({ passthrough: true }) reply: FastifyReply): Promise<ConversationArchive> {
    reply.header('content-disposition', attachment(`switchboard-export-${new Date().toISOString().slice(0, 10)}.json`));
    return this.engine.exportAll();
  }

  @Post('import')
  @HttpCode(200)
  @BodyLimit(CONVERSATION_LIMITS.maxImportBytes)
  importArchive(@Body(routeBody('importArchive')) body: ConversationArchive): Promise<ImportResponse> {
    return this.engine.importArchive(body);
  }
}
