import { Controller, Get, Query } from '@nestjs/common';
import { usageReportQuerySchema, type UsageReport, type UsageReportQuery } from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { ZodPipe } from '../core/zod.pipe';

/** Usage across conversations (one conversation's usage is `GET /api/v1/sessions/:id/usage`). */
@Controller('api/v1/usage')
export class UsageController {
  constructor(private readonly engine: SessionEngine) {}

  @Get()
  report(@Query(new ZodPipe(usageReportQuerySchema, 'query')) query: UsageReportQuery): Promise<UsageReport> {
    return this.engine.usageReport(query);
  }
}
