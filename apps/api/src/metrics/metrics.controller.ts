import { Controller, Get, Res } from '@nestjs/common';
import { MetricsService } from './metrics.service';

interface ReplyLike {
  header(name: string, value: string): ReplyLike;
  send(body: string): void;
}

/**
 * Prometheus scrape endpoint, outside /api/v1 as Prometheus expects, and not public: the global
 * request gate requires the API token (Prometheus: `authorization: { type: Bearer, credentials: ... }`).
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  async scrape(@Res() reply: ReplyLike): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    reply.header('content-type', contentType).send(body);
  }
}
