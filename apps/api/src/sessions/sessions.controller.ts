import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  type CreateSessionRequest,
  type EditMessageRequest,
  type ListMessagesQuery,
  type ListSessionsQuery,
  type Message,
  type MessagesResponse,
  type PromoteRequest,
  type QueueResponse,
  type RerunResponse,
  type RetryMessageRequest,
  type SendMessageRequest,
  type SendMessageResponse,
  type Session,
  type SessionsResponse,
  type SessionUsage,
  type SetModelRequest,
} from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { routeBody, routeQuery } from '../core/route-pipes';

/** REST door to sessions: each route is one engine call. */
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(private readonly engine: SessionEngine) {}

  @Post()
  create(@Body(routeBody('createSession')) body: CreateSessionRequest): Promise<Session> {
    return this.engine.createSession(body);
  }

  @Get()
  async list(@Query(routeQuery('listSessions')) query: ListSessionsQuery): Promise<SessionsResponse> {
    return { sessions: await this.engine.listSessions(query) };
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Session> {
    return this.engine.getSession(id);
  }

  @Delete(':id')
  remove(@Param('id') id: string): Promise<Session> {
    return this.engine.deleteSession(id);
  }

  @Get(':id/messages')
  async messages(
    @Param('id') id: string,
    @Query(routeQuery('listMessages')) query: ListMessagesQuery,
  ): Promise<MessagesResponse> {
    return { sessionId: id, messages: await this.engine.listMessages(id, query) };
  }

  @Post(':id/messages')
  @HttpCode(200)
  send(@Param('id') id: string, @Body(routeBody('sendMessage')) body: SendMessageRequest): Promise<SendMessageResponse> {
    return this.engine.send(id, body);
  }

  @Post(':id/messages/:messageId/retry')
  @HttpCode(200)
  retry(@Param('id') id: string, @Param('messageId') messageId: string, @Body(routeBody('retryMessage')) body: RetryMessageRequest): Promise<RerunResponse> {
    return this.engine.retryMessage(id, messageId, body);
  }

  @Post(':id/messages/:messageId/edit')
  @HttpCode(200)
  edit(@Param('id') id: string, @Param('messageId') messageId: string, @Body(routeBody('editMessage')) body: EditMessageRequest): Promise<RerunResponse> {
    return this.engine.editMessage(id, messageId, body);
  }

  @Get(':id/queue')
  queue(@Param('id') id: string): Promise<QueueResponse> {
    return this.engine.listQueue(id);
  }

  @Post(':id/queue/:queuedId/promote')
  @HttpCode(200)
  promote(
    @Param('id') id: string,
    @Param('queuedId') queuedId: string,
    @Body(routeBody('promoteQueued')) body: PromoteRequest,
  ): Promise<QueueResponse> {
    return this.engine.promote(id, queuedId, body.interrupt ?? false);
  }

  @Delete(':id/queue/:queuedId')
  deleteQueued(@Param('id') id: string, @Param('queuedId') queuedId: string): Promise<QueueResponse> {
    return this.engine.deleteQueued(id, queuedId);
  }

  @Put(':id/model')
  setModel(@Param('id') id: string, @Body(routeBody('setSessionModel')) body: SetModelRequest): Promise<Session> {
    return this.engine.setSessionModel(id, body.model);
  }

  @Delete(':id/model')
  clearModel(@Param('id') id: string): Promise<Session> {
    return this.engine.clearSessionModel(id);
  }

  @Post(':id/reset')
  @HttpCode(200)
  reset(@Param('id') id: string): Promise<Session> {
    return this.engine.reset(id);
  }

  @Post(':id/abort')
  @HttpCode(200)
  async abort(@Param('id') id: string): Promise<{ aborted: boolean }> {
    return { aborted: await this.engine.abort(id) };
  }

  @Post(':id/compact')
  @HttpCode(200)
  async compact(@Param('id') id: string): Promise<{ compacted: boolean; message: Message | null }> {
    const message = await this.engine.compact(id);
    return { compacted: Boolean(message), message };
  }

  @Get(':id/usage')
  usage(@Param('id') id: string): Promise<SessionUsage> {
    return this.engine.usage(id);
  }
}
