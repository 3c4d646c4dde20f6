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
import { PeopleService } from '@switchboard/people/server';
import { routeBody, routeQuery } from '../core/route-pipes';

/** REST door to memories: list (scope, project, relevance), add through the gate, edit, hard delete. */
@Controller('api/v1/memories')
export class MemoriesController {
  constructor(
    private readonly memory: MemoryService,
    private readonly people: PeopleService,
  ) {}

  @Get()
  async list(@Query(routeQuery('listMemories')) query: ListMemoriesQuery): Promise<MemoriesResponse> {
    await this.requirePerson(query.personId);
    return { memories: await this.memory.list(query) };
  }

  /** A person named by a memory request must exist (PERSON_NOT_FOUND), so a typo never files a memory under nobody. */
  private async requirePerson(personId: string | undefined): Promise<void> {
    if (personId !== undefined) await this.people.get(personId);
  }

  @Get('metrics')
  metrics(): MemoryMetrics {
    return this.memory.metrics();
  }

  @Post()
  async create(@Body(routeBody('createMemory')) body: CreateMemoryRequest): Promise<MemoryDecision> {
    await this.requirePerson(body.personId);
    return this.memory.createFromUser(body);
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body(routeBody('updateMemory')) body: UpdateMemoryRequest): Promise<Memory> {
    await this.requirePerson(body.personId);
    return this.memory.update(id, body);
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<OkResponse> {
    await this.memory.remove(id);
    return { ok: true };
  }
}
