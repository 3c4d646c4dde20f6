import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  createJobRequestSchema,
  runJobRequestSchema,
  updateJobRequestSchema,
  type CreateJobRequest,
  type Job,
  type JobsResponse,
  type OkResponse,
  type RunJobRequest,
  type RunJobResponse,
  type UpdateJobRequest,
} from '@switchboard/protocol';
import { ZodPipe } from '../core/zod.pipe';
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
  create(@Body(new ZodPipe(createJobRequestSchema)) body: CreateJobRequest): Promise<Job> {
    return this.jobs.create(body);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Job> {
    return this.jobs.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body(new ZodPipe(updateJobRequestSchema)) body: UpdateJobRequest): Promise<Job> {
    return this.jobs.update(id, body);
  }

  @Delete(':id')
  async remove(@Param('id') id: string): Promise<OkResponse> {
    await this.jobs.delete(id);
    return { ok: true };
  }

  @Post(':id/run')
  @HttpCode(200)
  run(@Param('id') id: string, @Body(new ZodPipe(runJobRequestSchema)) body: RunJobRequest): Promise<RunJobResponse> {
    return this.jobs.run(id, body.wait ?? false);
  }
}
