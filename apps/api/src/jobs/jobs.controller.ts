import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  type CreateJobRequest,
  type Job,
  type JobsResponse,
  type OkResponse,
  type RunJobRequest,
  type RunJobResponse,
  type UpdateJobRequest,
} from '@switchboard/protocol';
import { routeBody } from '../core/route-pipes';
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

  @Post(':id/run')
  @HttpCode(200)
  run(@Param('id') id: string, @Body(routeBody('runJob')) body: RunJobRequest): Promise<RunJobResponse> {
    return this.jobs.run(id, body.wait ?? false);
  }
}
