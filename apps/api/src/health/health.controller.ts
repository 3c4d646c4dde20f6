import { Controller, Get } from '@nestjs/common';
import type { HealthResponse, ReadyResponse } from '@switchboard/protocol';
import { Public } from '../core/public.decorator';
import { APP_VERSION } from '../core/tokens';
import { ReadinessService } from './readiness.service';

const startedAt = Date.now();

@Controller('api/v1/health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Public({ unlimited: true })
  @Get()
  health(): HealthResponse {
    return { status: 'ok', version: APP_VERSION, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
  }

  @Public({ unlimited: true })
  @Get('ready')
  ready(): Promise<ReadyResponse> {
    return this.readiness.ready();
  }
}
