import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type CreateJobRequest,
  type Job,
  type JobRunsResponse,
  type JobsResponse,
  type ListJobRunsQuery,
  type OkResponse,
  type RunJobRequest,
  type RunJobResponse,
  type UpdateJobRequest,
} from '@switchboard/protocol';
import { routeBody, routeQuery } from '../core/route-pipes';
import { JobsService } from './jobs.service';

/** REST door to scheduled jobs: each route is one service call. */
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  async list(): Promise<JobsResponse> {
    return { jobs: await this.jobs.list() };
  }

  @Post()
  create(@Body(routeBody('createJob')) body: CreateJobRequest): Promise<Job> {
    return this.jobs.create(body);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Job> {
    return this.jobs.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body(routeBody('updateJob')) body: UpdateJobRequest): Promise<Job> {
    return this.jobs.update(id, body);
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<OkResponse> {
    await this.jobs.delete(id);
    return { ok: true };
  }

  @Get(':id/runs')
  async runs(@Param('id') id: string, @Query(routeQuery('listJobRuns')) query: ListJobRunsQuery): Promise<JobRunsResponse> {
    return { runs: await this.jobs.runs(id, query.limit ?? 20) };
  }

  @Post(':id/run')
  @HttpCode(200)
  run(@Param('id') id: string, @Body(routeBody('runJob')) body: RunJobRequest): Promise<RunJobResponse> {
    return this.jobs.run(id, body.wait ?? false);
  }
}
