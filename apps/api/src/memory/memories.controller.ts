import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type CreateMemoryRequest,
  type ListMemoriesQuery,
  type Memory,
  type MemoriesResponse,
  type MemoryDecision,
  type MemoryMetrics,
  type OkResponse,
  type UpdateMemoryRequest,
} from '@switchboard/protocol';
import { MemoryService } from '@switchboard/memory/server';
import { routeBody, routeQuery } from '../core/route-pipes';

/** REST door to memories: list (scope, project, relevance), add through the gate, edit, hard delete. */
@Controller('api/v1/memories')
export class MemoriesController {
  constructor(private readonly memory: MemoryService) {}

  @Get()
  async list(@Query(routeQuery('listMemories')) query: ListMemoriesQuery): Promise<MemoriesResponse> {
    return { memories: await this.memory.list(query) };
  }

  @Get('metrics')
  metrics(): MemoryMetrics {
    return this.memory.metrics();
  }

  @Post()
  create(@Body(routeBody('createMemory')) body: CreateMemoryRequest): Promise<MemoryDecision> {
    return this.memory.createFromUser(body);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body(routeBody('updateMemory')) body: UpdateMemoryRequest): Promise<Memory> {
    return this.memory.update(id, body);
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<OkResponse> {
    await this.memory.remove(id);
    return { ok: true };
  }
}
