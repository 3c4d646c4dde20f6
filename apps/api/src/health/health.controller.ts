import { Controller, Get } from '@nestjs/common';
import type { HealthResponse } from '@switchboard/protocol';
import { Public } from '../core/public.decorator';
import { APP_VERSION } from '../core/tokens';

const startedAt = Date.now();

@Controller('api/v1/health')
export class HealthController {
  @Public({ unlimited: true })
  @Get()
  health(): HealthResponse {
    return { status: 'ok', version: APP_VERSION, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
  }
}
