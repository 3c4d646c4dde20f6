import { Controller, Get, Query } from '@nestjs/common';
import { type UsageReport, type UsageReportQuery } from '@switchboard/protocol';
import { SessionEngine } from '@switchboard/session/server';
import { routeQuery } from '../core/route-pipes';

/** Usage across conversations (one conversation's usage is `GET /api/v1/sessions/:id/usage`). */
@Controller('api/v1/usage')
export class UsageController {
  constructor(private readonly engine: SessionEngine) {}

  @Get()
  report(@Query(routeQuery('getUsageReport')) query: UsageReportQuery): Promise<UsageReport> {
    return this.engine.usageReport(query);
  }
}
